using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// The three things single sign-on hands to browsers, each authenticated and encrypted with the server's
/// data-protection keys under its own purpose: the sign-in request (tunnel to base domain, 10 minutes), the hand-off
/// ticket (base domain to tunnel, 2 minutes, once), and the session cookie. The ticket and the cookie are protected
/// under a purpose that names the tunnel's host, so neither opens a sibling tunnel: the other host's protector cannot
/// read them.
/// </summary>
internal sealed class SignOnTokens
{
    internal static readonly TimeSpan RequestLifetime = TimeSpan.FromMinutes(10);
    internal static readonly TimeSpan HandoffLifetime = TimeSpan.FromMinutes(2);
    private const int MaxRedeemed = 10_000;

    private readonly IDataProtector _requests;
    private readonly IDataProtector _handoffs;
    private readonly IDataProtector _sessions;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _redeemed = new(StringComparer.Ordinal);

    public SignOnTokens(IDataProtectionProvider protection, TimeProvider time)
    {
        _requests = protection.CreateProtector("Burrow.Policy.SignOnRequest.v1");
        _handoffs = protection.CreateProtector("Burrow.Policy.Handoff.v1");
        _sessions = protection.CreateProtector("Burrow.Policy.Session.v1");
        _time = time;
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public string ProtectRequest(SignOnRequest request)
        => Protect(_requests, w =>
        {
            w.Write(request.Provider);
            w.Write(request.Host);
            w.Write(request.Origin);
            w.Write(request.ReturnPath);
            w.Write(request.ExpiresAt.UtcTicks);
            w.Write(request.Binding);
        });

    public SignOnRequest? UnprotectRequest(string? text)
    {
        var request = Unprotect(_requests, text, r => new SignOnRequest(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero), r.ReadString()));
        return request is not null && request.ExpiresAt > Now ? request : null;
    }

    /// <summary>A one-time ticket for <paramref name="host"/> carrying the signed-in user, where to return, and the browser binding.</summary>
    public string IssueHandoff(string host, SignOnSession session, string returnPath, string binding)
        => Protect(_handoffs.CreateProtector(host), w =>
        {
            w.Write(RandomNumberGenerator.GetHexString(32));
            Write(w, session with { ExpiresAt = Now + HandoffLifetime });
            w.Write(returnPath);
            w.Write(binding);
        });

    /// <summary>The user and return path of a ticket issued for <paramref name="host"/>, once; null if forged, expired, used or for another host.</summary>
    public (SignOnSession Session, string ReturnPath, string Binding)? RedeemHandoff(string host, string? ticket)
    {
        var handoff = Unprotect(_handoffs.CreateProtector(host), ticket, r => new Handoff(r.ReadString(), Read(r), r.ReadString(), r.ReadString()));
        var now = Now;
        if (handoff is not { } h || h.Session.ExpiresAt <= now)
        {
            return null;
        }

        if (_redeemed.Count >= MaxRedeemed)
        {
            foreach (var (id, expires) in _redeemed)
            {
                if (expires <= now)
                {
                    _redeemed.TryRemove(id, out _);
                }
            }
        }

        // Tickets live two minutes: past the cap the set holds only unexpired ones, at most a few minutes of sign-ins.
        return _redeemed.TryAdd(h.Id, h.Session.ExpiresAt) ? (h.Session, h.ReturnPath, h.Binding) : null;
    }

    public string ProtectSession(string host, SignOnSession session) => Protect(_sessions.CreateProtector(host), w => Write(w, session));

    public SignOnSession? UnprotectSession(string host, string? cookie)
    {
        var session = Unprotect(_sessions.CreateProtector(host), cookie, Read);
        return session is not null && session.ExpiresAt > Now ? session : null;
    }

    private sealed record Handoff(string Id, SignOnSession Session, string ReturnPath, string Binding);

    /// <summary>A new browser binding: the cookie's value, and the hash that travels in the sign-in.</summary>
    public static (string Cookie, string Hash) NewBinding()
    {
        var cookie = RandomNumberGenerator.GetHexString(32);
        return (cookie, BindingHash(cookie));
    }

    /// <summary>Whether <paramref name="cookie"/> is the binding whose hash a ticket carries (constant time).</summary>
    public static bool IsBinding(string? cookie, string hash)
        => cookie is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(BindingHash(cookie)), System.Text.Encoding.ASCII.GetBytes(hash));

    private static string BindingHash(string cookie) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(cookie)));

    private static void Write(BinaryWriter writer, SignOnSession session)
    {
        writer.Write(session.Provider);
        writer.Write(session.Email);
        writer.Write(session.Name);
        writer.Write(session.ExpiresAt.UtcTicks);
    }

    private static SignOnSession Read(BinaryReader reader)
        => new(reader.ReadString(), reader.ReadString(), reader.ReadString(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero));

    private static string Protect(IDataProtector protector, Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        return WebEncoders.Base64UrlEncode(protector.Protect(buffer.ToArray()));
    }

    private static T? Unprotect<T>(IDataProtector protector, string? text, Func<BinaryReader, T> read)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 8192)
        {
            return default;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(protector.Unprotect(WebEncoders.Base64UrlDecode(text))), Encoding.UTF8);
            return read(reader);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or EndOfStreamException or IOException)
        {
            return default;
        }
    }
}
