using System.Collections.Concurrent;

namespace Burrow.Server.Acme.Challenges;

/// <summary>The HTTP-01 tokens of orders in progress (RFC 8555, section 8.3), each bound to the host it is for.</summary>
internal sealed class Http01Responder
{
    private readonly ConcurrentDictionary<string, (string Host, string KeyAuthorization)> _tokens = new(StringComparer.Ordinal);

    public void Add(string host, string token, string keyAuthorization) => _tokens[token] = (host, keyAuthorization);

    public void Remove(string token) => _tokens.TryRemove(token, out _);

    /// <summary>The key authorization for <paramref name="token"/> when it belongs to <paramref name="host"/>.</summary>
    public bool TryGet(string host, string token, out string keyAuthorization)
    {
        if (_tokens.TryGetValue(token, out var entry) && string.Equals(entry.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            keyAuthorization = entry.KeyAuthorization;
            return true;
        }

        keyAuthorization = string.Empty;
        return false;
    }
}
