using System.Buffers.Binary;

namespace Burrow.Protocol.Records;

/// <summary>Per-record nonce: the direction's IV with the sequence number XORed into its last 8 bytes.</summary>
internal static class RecordNonce
{
    public static void Compute(ReadOnlySpan<byte> iv, ulong sequence, Span<byte> nonce)
    {
        iv.CopyTo(nonce);
        var tail = nonce[4..];
        BinaryPrimitives.WriteUInt64BigEndian(tail, BinaryPrimitives.ReadUInt64BigEndian(tail) ^ sequence);
    }
}
