using System.Buffers.Binary;
using System.Text;

namespace Burrow.Protocol.Mux;

/// <summary>
/// Encodes frames (after the 9-byte <see cref="FrameHeader"/>):
/// <code>
///  DATA          (0x0) stream > 0   | payload (0..max frame size)         flags: END_STREAM (0x1)
///  OPEN          (0x1) stream > 0   | host name (1..253 bytes, ASCII)     server -> agent only
///  ACCEPT        (0x2) stream > 0   | (empty)                             agent -> server only
///  RESET         (0x3) stream > 0   | code: u32 | reason (0..256, UTF-8)
///  WINDOW_UPDATE (0x4) stream >= 0  | R | increment: u31 (1..2^31-1)      stream 0 = whole channel
///  PING          (0x5) stream = 0   | opaque (8)                          flags: ACK (0x1)
///  GOAWAY        (0x6) stream = 0   | last stream id: u32 | code: u32 | reason (0..256, UTF-8)
///  HEALTH        (0x7) stream = 0   | state: u8 (0 serving, 1 not serving)   agent -> server only
/// </code>
/// Each method writes the whole frame and returns its size. The caller guarantees the space.
/// </summary>
internal static class FrameWriter
{
    public const int MaxReasonBytes = 256;
    public const int MaxHostBytes = 253;

    public static int WriteDataHeader(Span<byte> destination, uint streamId, int payloadLength, bool endStream)
    {
        new FrameHeader(payloadLength, FrameType.Data, endStream ? FrameFlags.EndStream : FrameFlags.None, streamId).Write(destination);
        return FrameHeader.Size;
    }

    public static int WriteOpen(Span<byte> destination, uint streamId, string host)
    {
        var length = Encoding.ASCII.GetBytes(host, destination[FrameHeader.Size..]);
        new FrameHeader(length, FrameType.Open, FrameFlags.None, streamId).Write(destination);
        return FrameHeader.Size + length;
    }

    public static int WriteAccept(Span<byte> destination, uint streamId)
    {
        new FrameHeader(0, FrameType.Accept, FrameFlags.None, streamId).Write(destination);
        return FrameHeader.Size;
    }

    public static int WriteReset(Span<byte> destination, uint streamId, ProtocolErrorCode code, string? reason)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[FrameHeader.Size..], (uint)code);
        var reasonLength = WriteReason(destination[(FrameHeader.Size + 4)..], reason);
        new FrameHeader(4 + reasonLength, FrameType.Reset, FrameFlags.None, streamId).Write(destination);
        return FrameHeader.Size + 4 + reasonLength;
    }

    public static int WriteWindowUpdate(Span<byte> destination, uint streamId, int increment)
    {
        new FrameHeader(4, FrameType.WindowUpdate, FrameFlags.None, streamId).Write(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[FrameHeader.Size..], (uint)increment & 0x7FFF_FFFF);
        return FrameHeader.Size + 4;
    }

    public static int WritePing(Span<byte> destination, long opaque, bool ack)
    {
        new FrameHeader(8, FrameType.Ping, ack ? FrameFlags.Ack : FrameFlags.None, 0).Write(destination);
        BinaryPrimitives.WriteInt64BigEndian(destination[FrameHeader.Size..], opaque);
        return FrameHeader.Size + 8;
    }

    public static int WriteGoAway(Span<byte> destination, uint lastStreamId, ProtocolErrorCode code, string? reason)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[FrameHeader.Size..], lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(FrameHeader.Size + 4)..], (uint)code);
        var reasonLength = WriteReason(destination[(FrameHeader.Size + 8)..], reason);
        new FrameHeader(8 + reasonLength, FrameType.GoAway, FrameFlags.None, 0).Write(destination);
        return FrameHeader.Size + 8 + reasonLength;
    }

    public static int WriteHealth(Span<byte> destination, bool serving)
    {
        new FrameHeader(1, FrameType.Health, FrameFlags.None, 0).Write(destination);
        destination[FrameHeader.Size] = serving ? (byte)0 : (byte)1;
        return FrameHeader.Size + 1;
    }

    /// <summary>Largest size a control frame can take; the writer reserves this much before writing one.</summary>
    public const int MaxControlFrameSize = FrameHeader.Size + 8 + MaxReasonBytes;

    private static int WriteReason(Span<byte> destination, string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return 0;
        }

        // Truncate on a character boundary: reasons are for logs, not for parsing.
        var chars = reason.AsSpan();
        while (Encoding.UTF8.GetByteCount(chars) > MaxReasonBytes)
        {
            chars = chars[..(chars.Length - 1)];
        }

        return Encoding.UTF8.GetBytes(chars, destination);
    }
}
