using System.Net;
using System.Net.Sockets;

namespace Burrow.Server.Tests.Policy;

/// <summary>
/// A visitor as a browser behaves for sign-in: a cookie jar, redirects followed one hop at a time (each hop kept, so
/// tests can check where it went), every host dialled on 127.0.0.1 (NAME.localhost, localhost and the provider).
/// </summary>
internal sealed class BrowsingVisitor : IDisposable
{
    private readonly HttpClient _client;

    public BrowsingVisitor()
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = Cookies,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            // A bound, not a wait: every answer is awaited. The first sign-in of a test class runs the OIDC handler's
            // discovery, key and token calls to the provider on cold paths; in the full suite on 2 cores shared with
            // other builds (load average above 30) one such hop took more than 30 s.
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    public CookieContainer Cookies { get; }

    /// <summary>Every response on the way, in order: where it was asked, its status, where it pointed next.</summary>
    public List<Hop> Hops { get; } = [];

    /// <summary>GETs <paramref name="url"/> and follows redirects (at most 10); returns the last response's status and body.</summary>
    public async Task<(int Status, string Body)> BrowseAsync(Uri url, params (string Name, string Value)[] headers)
    {
        Hops.Clear();
        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var location = response.Headers.Location is { } next ? new Uri(url, next) : null;
            Hops.Add(new Hop(url, (int)response.StatusCode, location, response.Headers.TryGetValues("Set-Cookie", out var set) ? [.. set] : []));
            if (location is null)
            {
                return ((int)response.StatusCode, body);
            }

            url = location;
        }

        throw new InvalidOperationException("More than 10 redirects: " + string.Join(" -> ", Hops.Select(h => h.Url)));
    }

    /// <summary>A plain request without following redirects, with the jar's cookies.</summary>
    public async Task<(int Status, string Body, Uri? Location)> SendAsync(HttpMethod method, Uri url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    public void Dispose() => _client.Dispose();

    internal sealed record Hop(Uri Url, int Status, Uri? Location, IReadOnlyList<string> SetCookies);
}
