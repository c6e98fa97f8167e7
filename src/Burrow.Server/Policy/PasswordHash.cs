using System.Security.Cryptography;
using System.Text;

namespace Burrow.Server.Policy;

/// <summary>
/// A basic-auth password as the server keeps it: PBKDF2-HMAC-SHA256 with a random 16-byte salt (RFC 8018, section 5.2).
/// The password itself is dropped as soon as the registration is read. Checks compare in constant time.
/// </summary>
internal sealed class PasswordHash
{
    /// <summary>
    /// 100,000 rounds: about 40 ms on one core of the 2-core test machine. Each tunnel's hashes live only in memory for
    /// as long as its channel; what a leak of them would cost an attacker is bought here with registration CPU, and
    /// the edge checks each visitor's password once (<see cref="BasicAuthUsers"/> remembers a verified one).
    /// </summary>
    internal const int Iterations = 100_000;

    private const int SaltSize = 16;
    private const int HashSize = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(byte[] salt, byte[] hash)
    {
        _salt = salt;
        _hash = hash;
    }

    /// <summary>The salt, for tests that check it is fresh per hash.</summary>
    internal byte[] Salt => _salt;

    public static PasswordHash Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        return new PasswordHash(salt, Derive(password, salt));
    }

    /// <summary>A hash no password matches (random salt and hash), checked for unknown users so they cost the same.</summary>
    public static PasswordHash Unmatchable() => new(RandomNumberGenerator.GetBytes(SaltSize), RandomNumberGenerator.GetBytes(HashSize));

    public bool Matches(ReadOnlySpan<char> password) => CryptographicOperations.FixedTimeEquals(Derive(password, _salt), _hash);

    private static byte[] Derive(ReadOnlySpan<char> password, byte[] salt)
    {
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(password.Length)];
        try
        {
            var length = Encoding.UTF8.GetBytes(password, bytes);
            return Rfc2898DeriveBytes.Pbkdf2(bytes.AsSpan(0, length), salt, Iterations, HashAlgorithmName.SHA256, HashSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
