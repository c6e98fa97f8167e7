using System.Buffers.Text;
using System.Security.Cryptography;

namespace Burrow.Protocol.Handshake;

/// <summary>
/// What registration hands an agent: a one-time channel id (128 random bits) and a fresh 256-bit key.
/// Both travel as unpadded base64url text in the registration answer.
/// </summary>
public sealed class ChannelTicket
{
    public const int IdSize = 16;
    public const int KeySize = 32;

    private ChannelTicket(byte[] id, byte[] key)
    {
        Id = id;
        Key = key;
    }

    public byte[] Id { get; }

    public byte[] Key { get; }

    public string IdText => Base64Url.EncodeToString(Id);

    /// <summary>The key as text. Never log it.</summary>
    public string KeyText => Base64Url.EncodeToString(Key);

    public static ChannelTicket Create() => new(RandomNumberGenerator.GetBytes(IdSize), RandomNumberGenerator.GetBytes(KeySize));

    public static bool TryParse(string? idText, string? keyText, out ChannelTicket? ticket)
    {
        ticket = null;
        if (idText is null || keyText is null)
        {
            return false;
        }

        var id = new byte[IdSize];
        var key = new byte[KeySize];
        if (!Base64Url.TryDecodeFromChars(idText, id, out var idLength) || idLength != IdSize ||
            !Base64Url.TryDecodeFromChars(keyText, key, out var keyLength) || keyLength != KeySize)
        {
            return false;
        }

        ticket = new ChannelTicket(id, key);
        return true;
    }

    public static string FormatId(ReadOnlySpan<byte> id) => Base64Url.EncodeToString(id);
}
