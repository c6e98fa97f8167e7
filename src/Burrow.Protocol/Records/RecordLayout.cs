namespace Burrow.Protocol.Records;

/// <summary>
/// Every byte after the handshake travels in records:
/// <code>
///  0                   4                                   4+n-16          4+n
///  +-------------------+-----------------------------------+---------------+
///  | n: u32 big-endian | AES-256-GCM ciphertext (n - 16)   | tag (16)      |
///  +-------------------+-----------------------------------+---------------+
///  nonce = direction IV XOR (record sequence number as u64 big-endian, right-aligned)
///  associated data = the 4 length bytes
/// </code>
/// The sequence number is implicit: it counts records from 0 in each direction, so a dropped, replayed,
/// reordered or altered record fails authentication and kills the channel (same idea as TLS 1.3,
/// https://www.rfc-editor.org/rfc/rfc8446#section-5.3).
/// </summary>
internal static class RecordLayout
{
    public const int HeaderSize = 4;
    public const int TagSize = 16;
    public const int NonceSize = 12;

    /// <summary>Largest plaintext one record may carry. A larger length field is a protocol error.</summary>
    public const int MaxPlaintextSize = 64 * 1024;

    public const int MaxRecordSize = HeaderSize + MaxPlaintextSize + TagSize;

    public const int Overhead = HeaderSize + TagSize;
}
