namespace Burrow.Protocol.Mux;

/// <summary>
/// A non-DATA frame waiting in the writer's control queue. Control frames go out before data in every record so
/// that window updates, pings and resets are never stuck behind a bulk transfer.
/// </summary>
internal readonly record struct ControlFrame(FrameType Type, uint StreamId, long Value, ProtocolErrorCode Code = ProtocolErrorCode.NoError, string? Text = null, bool Ack = false)
{
    public int WriteTo(Span<byte> destination) => Type switch
    {
        FrameType.Open => FrameWriter.WriteOpen(destination, StreamId, Text!),
        FrameType.Accept => FrameWriter.WriteAccept(destination, StreamId),
        FrameType.Reset => FrameWriter.WriteReset(destination, StreamId, Code, Text),
        FrameType.WindowUpdate => FrameWriter.WriteWindowUpdate(destination, StreamId, (int)Value),
        FrameType.Ping => FrameWriter.WritePing(destination, Value, Ack),
        FrameType.GoAway => FrameWriter.WriteGoAway(destination, (uint)Value, Code, Text),
        FrameType.Health => FrameWriter.WriteHealth(destination, Value == 0),
        _ => throw new InvalidOperationException($"{Type} is not a control frame."),
    };
}
