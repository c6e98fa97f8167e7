using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Burrow.Server.Accounts;

/// <summary>What user tokens and admin tokens share: the label rule, how a token is made, and how it is stored.</summary>
public sealed partial class AccountStore
{
    /// <summary>The label trimmed; throws <see cref="AccountException"/> unless it is 1-64 printable characters.</summary>
    private static string CheckedLabel(string label)
    {
        label = label.Trim();
        if (label.Length is 0 or > 64 || label.Any(char.IsControl))
        {
            throw new AccountException("A token label must be 1-64 printable characters.");
        }

        return label;
    }

    /// <summary>A fresh token: <paramref name="prefix"/> and 32 random bytes in base64url.</summary>
    private static string NewTokenText(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>What is stored of a token (and compared, in constant time): its SHA-256.</summary>
    private static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
