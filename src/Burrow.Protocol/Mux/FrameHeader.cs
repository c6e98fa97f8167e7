using System.Buffers.Binary;
using System.Diagnostics;

namespace Burrow.Protocol.Mux;

/// <summary>
/// The 9-byte header in front of every frame (the same shape as HTTP/2's,
/// https://www.rfc-editor.org/rfc/rfc9113#section-4.1):
/// <code>
///  0                   3        4        5                                  9
///  +-------------------+--------+--------+----------------------------------+
///  | length: u24       | type   | flags  | R | stream id: u31               |
///  +-------------------+--------+--------+----------------------------------+
/// </code>
/// Frames never span records: a record holds one or more whole frames.
/// </summary>
internal readonly record struct FrameHeader(int Length, FrameType Type, FrameFlags Flags, uint StreamId)
{
    public const int Size = 9;

    /// <summary>Largest payload any frame may carry: whatever fits in one record with its header.</summary>
    public const int MaxPayloadSize = Records.RecordLayout.MaxPlaintextSize - Size;

    public void Write(Span<byte> destination)
    {
        Debug.Assert(Length is >= 0 and <= MaxPayloadSize);
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = (byte)Type;
        destination[4] = (byte)Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], StreamId & 0x7FFF_FFFF);
    }

    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        var length = (source[0] << 16) | (source[1] << 8) | source[2];
        var streamId = BinaryPrimitives.ReadUInt32BigEndian(source[5..]) & 0x7FFF_FFFF;
        return new FrameHeader(length, (FrameType)source[3], (FrameFlags)source[4], streamId);
    }
}
