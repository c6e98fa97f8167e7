using System.Security.Cryptography;
using System.Text;

namespace Burrow.Server.Policy;

/// <summary>
/// A tunnel's basic-auth users: names and password hashes. A check always costs one slow derivation, for an unknown
/// user too (against a hash nothing matches), so the time a wrong answer takes does not tell which users exist.
/// Browsers send the same credentials with every request, and one PBKDF2 per request would make a page of fifty
/// assets cost two seconds of CPU: after a user's password was verified the slow way, the edge remembers an HMAC of
/// it under a key that exists only in this process's memory and accepts that password again at HMAC cost.
/// </summary>
internal sealed class BasicAuthUsers
{
    private static readonly byte[] VerifiedKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>Strict UTF-8 (invalid bytes throw): one instance, not one per request.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly User[] _users;
    private readonly PasswordHash _unmatchable = PasswordHash.Unmatchable();

    public BasicAuthUsers(IEnumerable<(string Name, PasswordHash Hash)> users)
    {
        _users = [.. users.Select(u => new User(u.Name, Encoding.UTF8.GetBytes(u.Name), u.Hash))];
    }

    /// <summary>Checks that took the slow path (a PBKDF2 derivation), for tests.</summary>
    internal long SlowChecks => Interlocked.Read(ref _slowChecks);

    private long _slowChecks;

    /// <summary>The user's name when <paramref name="password"/> is theirs, else null.</summary>
    public string? Verify(string name, string password) => Verify(name, password, mayCheckSlowly: null, out _);

    /// <summary>
    /// The user's name when <paramref name="password"/> is theirs, else null. A password not verified before costs a
    /// slow derivation, taken only if <paramref name="mayCheckSlowly"/> allows it (the caller's guessing budget, charged
    /// before the work: counting a miss after it let parallel guesses all pass the check); otherwise null with
    /// <paramref name="throttled"/> set.
    /// </summary>
    public string? Verify(string name, string password, Func<bool>? mayCheckSlowly, out bool throttled)
    {
        throttled = false;
        var nameBytes = Encoding.UTF8.GetBytes(name);
        User? match = null;
        foreach (var user in _users)
        {
            // Every entry is compared: which one matched does not change the time taken.
            if (CryptographicOperations.FixedTimeEquals(user.NameBytes, nameBytes))
            {
                match = user;
            }
        }

        var tag = VerifiedTag(nameBytes, password);
        if (match?.Verified is { } verified && CryptographicOperations.FixedTimeEquals(verified, tag))
        {
            return match.Name;
        }

        if (mayCheckSlowly is not null && !mayCheckSlowly())
        {
            throttled = true;
            return null;
        }

        Interlocked.Increment(ref _slowChecks);
        var matches = (match?.Hash ?? _unmatchable).Matches(password);
        if (match is null || !matches)
        {
            return null;
        }

        match.Verified = tag;
        return match.Name;
    }

    /// <summary>Parses <c>Authorization: Basic base64(user:password)</c> (RFC 7617); false when absent or malformed.</summary>
    public static bool TryParse(string? authorization, out string name, out string password)
    {
        name = password = string.Empty;
        const string Scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length > 4096)
        {
            return false;
        }

        var encoded = authorization.AsSpan(Scheme.Length).Trim();
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        name = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    private static byte[] VerifiedTag(byte[] name, string password)
    {
        // HMAC(name || 0 || password) in one call over a buffer on the stack (the header is at most 4 KiB), wiped after.
        var size = name.Length + 1 + Encoding.UTF8.GetByteCount(password);
        var rented = size > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(size) : null;
        var input = rented is null ? stackalloc byte[size] : rented.AsSpan(0, size);
        try
        {
            name.CopyTo(input);
            input[name.Length] = 0;
            Encoding.UTF8.GetBytes(password, input[(name.Length + 1)..]);
            return HMACSHA256.HashData(VerifiedKey, input);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private sealed class User(string name, byte[] nameBytes, PasswordHash hash)
    {
        public string Name { get; } = name;

        public byte[] NameBytes { get; } = nameBytes;

        public PasswordHash Hash { get; } = hash;

        /// <summary>HMAC of the password last verified the slow way; replaced whole, so readers need no lock.</summary>
        public volatile byte[]? Verified;
    }
}
