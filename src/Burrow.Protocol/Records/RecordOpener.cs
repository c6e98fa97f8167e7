using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Burrow.Protocol.Records;

/// <summary>Authenticates and decrypts incoming records (see <see cref="RecordLayout"/>). Used only by the reader loop.</summary>
internal sealed class RecordOpener : IDisposable
{
    private readonly AesGcm _aes;
    private readonly byte[] _iv;
    private ulong _sequence;

    internal RecordOpener(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        Debug.Assert(iv.Length == RecordLayout.NonceSize);
        _aes = new AesGcm(key, RecordLayout.TagSize);
        _iv = iv.ToArray();
    }

    /// <summary>
    /// Opens the first whole record in <paramref name="buffer"/> into <paramref name="scratch"/> (at least
    /// <see cref="RecordLayout.MaxPlaintextSize"/> bytes) and slices it off the buffer. Returns false when the
    /// record is not complete yet. Throws <see cref="ProtocolException"/> for an impossible length or a record that
    /// fails authentication.
    /// </summary>
    public bool TryOpen(ref ReadOnlySequence<byte> buffer, Span<byte> scratch, out int plaintextLength)
    {
        plaintextLength = 0;
        if (buffer.Length < RecordLayout.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[RecordLayout.HeaderSize];
        buffer.Slice(0, RecordLayout.HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length < RecordLayout.TagSize || length > RecordLayout.MaxPlaintextSize + RecordLayout.TagSize)
        {
            throw new ProtocolException(ProtocolErrorCode.FrameSizeError, $"Record length {length} is outside 16..{RecordLayout.MaxPlaintextSize + RecordLayout.TagSize}.");
        }

        if (buffer.Length < RecordLayout.HeaderSize + length)
        {
            return false;
        }

        var ciphertextLength = (int)length - RecordLayout.TagSize;
        var sealedRecord = buffer.Slice(RecordLayout.HeaderSize, length);
        Span<byte> nonce = stackalloc byte[RecordLayout.NonceSize];
        RecordNonce.Compute(_iv, _sequence++, nonce);
        try
        {
            if (sealedRecord.IsSingleSegment)
            {
                // The usual case (the transport reads 64 KiB at a time): decrypt straight from the receive buffer,
                // without first copying the record into the scratch buffer.
                var source = sealedRecord.FirstSpan;
                _aes.Decrypt(nonce, source[..ciphertextLength], source[ciphertextLength..], scratch[..ciphertextLength], header);
            }
            else
            {
                // Split across receive buffers: gather the ciphertext and decrypt it in place (AesGcm allows plaintext
                // and ciphertext to be the very same memory); the tag goes to the stack, so the scratch buffer needs
                // room for a plaintext only.
                var ciphertext = scratch[..ciphertextLength];
                sealedRecord.Slice(0, ciphertextLength).CopyTo(ciphertext);
                Span<byte> tag = stackalloc byte[RecordLayout.TagSize];
                sealedRecord.Slice(ciphertextLength).CopyTo(tag);
                _aes.Decrypt(nonce, ciphertext, tag, ciphertext, header);
            }
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new ProtocolException(ProtocolErrorCode.BadRecord, "A record failed authentication (altered, replayed, reordered or forged).", ex);
        }

        buffer = buffer.Slice(RecordLayout.HeaderSize + length);
        plaintextLength = ciphertextLength;
        return true;
    }

    public void Dispose() => _aes.Dispose();
}
