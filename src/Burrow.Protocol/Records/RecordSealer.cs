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

    /// <summary>
    /// Seals a record whose plaintext the caller already wrote at its place in <paramref name="record"/> (after the
    /// 4-byte header): encrypted in place, so the writer loop builds frames straight in the socket's buffer with no
    /// staging copy. <paramref name="record"/> must hold <see cref="RecordLayout.Overhead"/> more bytes than the
    /// plaintext. Returns the record size.
    /// </summary>
    public int SealInPlace(Span<byte> record, int plaintextLength)
    {
        if (plaintextLength > RecordLayout.MaxPlaintextSize)
        {
            throw new ArgumentOutOfRangeException(nameof(plaintextLength), "A record carries at most 64 KiB of plaintext.");
        }

        var header = record[..RecordLayout.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(plaintextLength + RecordLayout.TagSize));
        Span<byte> nonce = stackalloc byte[RecordLayout.NonceSize];
        RecordNonce.Compute(_iv, _sequence++, nonce);
        var text = record.Slice(RecordLayout.HeaderSize, plaintextLength);

        // AesGcm allows plaintext and ciphertext to be the very same memory.
        _aes.Encrypt(nonce, text, text, record.Slice(RecordLayout.HeaderSize + plaintextLength, RecordLayout.TagSize), header);
        return RecordLayout.Overhead + plaintextLength;
    }

    public void Dispose() => _aes.Dispose();
}
