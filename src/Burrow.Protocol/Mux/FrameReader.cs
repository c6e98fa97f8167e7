using System.Buffers.Binary;
using System.Text;

namespace Burrow.Protocol.Mux;

/// <summary>
/// Walks the frames in one opened record and checks every structural rule before a frame is handed on. Anything
/// wrong throws <see cref="ProtocolException"/> and nothing else: the parser is fuzzed for exactly that
/// (tests/Burrow.Protocol.Tests/Fuzzing).
/// </summary>
internal ref struct FrameReader
{
    private ReadOnlySpan<byte> _remaining;

    public FrameReader(ReadOnlySpan<byte> record)
    {
        _remaining = record;
    }

    public bool TryRead(out FrameHeader header, out ReadOnlySpan<byte> payload)
    {
        if (_remaining.IsEmpty)
        {
            header = default;
            payload = default;
            return false;
        }

        if (_remaining.Length < FrameHeader.Size)
        {
            throw new ProtocolException(ProtocolErrorCode.FrameSizeError, "A record ends inside a frame header.");
        }

        header = FrameHeader.Read(_remaining);
        if (header.Length > _remaining.Length - FrameHeader.Size)
        {
            throw new ProtocolException(ProtocolErrorCode.FrameSizeError, $"A {header.Type} frame of {header.Length} bytes does not fit in its record.");
        }

        Validate(header);
        payload = _remaining.Slice(FrameHeader.Size, header.Length);
        _remaining = _remaining[(FrameHeader.Size + header.Length)..];
        return true;
    }

    /// <summary>RESET's code and reason; the reason comes escaped for logs (<see cref="PeerText"/>).</summary>
    public static ProtocolErrorCode ReadCode(ReadOnlySpan<byte> payload, out string reason)
    {
        reason = payload.Length > 4 ? PeerText.Escape(Encoding.UTF8.GetString(payload[4..])) : string.Empty;
        return (ProtocolErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload);
    }

    public static int ReadWindowIncrement(ReadOnlySpan<byte> payload) => (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFF_FFFF);

    public static long ReadPing(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64BigEndian(payload);

    public static uint ReadGoAway(ReadOnlySpan<byte> payload, out ProtocolErrorCode code, out string reason)
    {
        code = (ProtocolErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        reason = payload.Length > 8 ? PeerText.Escape(Encoding.UTF8.GetString(payload[8..])) : string.Empty;
        return BinaryPrimitives.ReadUInt32BigEndian(payload);
    }

    /// <summary>HEALTH's state byte: true for "serving"; anything but 0 or 1 is a protocol error.</summary>
    public static bool ReadHealth(ReadOnlySpan<byte> payload) => payload[0] switch
    {
        0 => true,
        1 => false,
        _ => throw new ProtocolException(ProtocolErrorCode.ProtocolError, $"HEALTH with unknown state {payload[0]}."),
    };

    public static string ReadHost(ReadOnlySpan<byte> payload)
    {
        foreach (var b in payload)
        {
            // Host names are LDH labels joined by dots (RFC 1123); port suffixes are not part of OPEN.
            if (!(b is (byte)'-' or (byte)'.' || char.IsAsciiLetterOrDigit((char)b)))
            {
                throw new ProtocolException(ProtocolErrorCode.ProtocolError, "OPEN carries a host name with characters outside [A-Za-z0-9.-].");
            }
        }

        return Encoding.ASCII.GetString(payload);
    }

    private static void Validate(FrameHeader header)
    {
        var onStream = header.StreamId != 0;
        var (sizeOk, streamOk) = header.Type switch
        {
            FrameType.Data => (true, onStream),
            FrameType.Open => (header.Length is >= 1 and <= FrameWriter.MaxHostBytes, onStream),
            FrameType.Accept => (header.Length == 0, onStream),
            FrameType.Reset => (header.Length is >= 4 and <= 4 + FrameWriter.MaxReasonBytes, onStream),
            FrameType.WindowUpdate => (header.Length == 4, true),
            FrameType.Ping => (header.Length == 8, !onStream),
            FrameType.GoAway => (header.Length is >= 8 and <= 8 + FrameWriter.MaxReasonBytes, !onStream),
            FrameType.Health => (header.Length == 1, !onStream),
            _ => throw new ProtocolException(ProtocolErrorCode.ProtocolError, $"Unknown frame type 0x{(byte)header.Type:x2}."),
        };

        if (!sizeOk)
        {
            throw new ProtocolException(ProtocolErrorCode.FrameSizeError, $"A {header.Type} frame cannot be {header.Length} bytes long.");
        }

        if (!streamOk)
        {
            throw new ProtocolException(ProtocolErrorCode.ProtocolError, $"A {header.Type} frame cannot be sent on stream {header.StreamId}.");
        }
    }
}
