using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Burrow.Protocol.Records;

/// <summary>Encrypts outgoing records (see <see cref="RecordLayout"/>). Used only by the writer loop.</summary>
internal sealed class RecordSealer : IDisposable
{
    private readonly AesGcm _aes;
    private readonly byte[] _iv;
    private ulong _sequence;

    internal RecordSealer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        Debug.Assert(iv.Length == RecordLayout.NonceSize);
        _aes = new AesGcm(key, RecordLayout.TagSize);
        _iv = iv.ToArray();
    }

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="destination"/>; returns the record size.</summary>
    public int Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (plaintext.Length > RecordLayout.MaxPlaintextSize)
        {
            throw new ArgumentOutOfRangeException(nameof(plaintext), "A record carries at most 64 KiB of plaintext.");
        }

        var size = RecordLayout.Overhead + plaintext.Length;
        var header = destination[..RecordLayout.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(plaintext.Length + RecordLayout.TagSize));

        Span<byte> nonce = stackalloc byte[RecordLayout.NonceSize];
        RecordNonce.Compute(_iv, _sequence++, nonce);
        _aes.Encrypt(
            nonce,
            plaintext,
            destination.Slice(RecordLayout.HeaderSize, plaintext.Length),
            destination.Slice(RecordLayout.HeaderSize + plaintext.Length, RecordLayout.TagSize),
            header);
        return size;
    }

    public void Dispose() => _aes.Dispose();
}
