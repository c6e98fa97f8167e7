using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// Signed requests: a fresh nonce for each (from the previous answer's Replay-Nonce, else HEAD newNonce), a retry
/// with the new nonce on badNonce (RFC 8555, section 6.5), and on rateLimited, 429 or 503 a wait of Retry-After or
/// an exponential backoff, on the <see cref="TimeProvider"/>. Every problem document is logged as one line.
/// </summary>
internal sealed partial class AcmeClient
{
    private const int MaxBadNonceRetries = 5;
    private const int MaxTransientAttempts = 4;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(5);
    private static readonly MediaTypeHeaderValue JoseJson = new("application/jose+json");

    private readonly Lock _nonceLock = new();
    private string? _nonce;

    private Task<AcmeResponse> PostAsGetAsync(Uri url, CancellationToken cancellationToken) =>
        SendSignedAsync(url, null, signWithJwk: false, cancellationToken);

    private Task<AcmeResponse> PostAsync(Uri url, byte[] payload, bool signWithJwk, CancellationToken cancellationToken) =>
        SendSignedAsync(url, payload, signWithJwk, cancellationToken);

    private async Task<AcmeResponse> SendSignedAsync(Uri url, byte[]? payload, bool signWithJwk, CancellationToken cancellationToken)
    {
        var badNonces = 0;
        var attempt = 0;
        while (true)
        {
            var nonce = await TakeNonceAsync(cancellationToken);
            var body = AcmeJws.Sign(_key, url, nonce, signWithJwk ? null : _accountUrl, payload ?? [], postAsGet: payload is null);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JoseJson;
            using var response = await _http.SendAsync(request, cancellationToken);
            KeepNonce(response);
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var retryAfter = RetryAfterOf(response);
            if (response.IsSuccessStatusCode)
            {
                return new AcmeResponse(response.StatusCode, response.Headers.Location is { } location ? new Uri(url, location) : null, retryAfter, content);
            }

            var problem = TryParseProblem(content) ?? new AcmeProblem(null, $"HTTP {(int)response.StatusCode} without a problem document", (int)response.StatusCode, null, null);
            // badNonce is routine (nonces expire, CAs reject some on purpose); everything else deserves a warning.
            var level = problem.Is("badNonce") ? LogLevel.Information : LogLevel.Warning;
            if (_logger.IsEnabled(level))
            {
                var line = problem.ToOneLine();
                Log.Problem(_logger, level, url.AbsoluteUri, (int)response.StatusCode, line);
            }
            if (problem.Is("badNonce") && ++badNonces <= MaxBadNonceRetries)
            {
                // The answer carried a fresh nonce (kept above); RFC 8555 section 6.5 says to retry with it.
                Log.Retrying(_logger, url.AbsoluteUri, "badNonce", TimeSpan.Zero);
                continue;
            }

            var transient = problem.Is("rateLimited") || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
            if (transient && ++attempt < MaxTransientAttempts)
            {
                var delay = retryAfter ?? FirstBackoff * Math.Pow(2, attempt - 1);
                if (delay <= MaxInlineWait)
                {
                    Log.Retrying(_logger, url.AbsoluteUri, problem.ShortType, delay);
                    await Task.Delay(delay, _time, cancellationToken);
                    continue;
                }
            }

            throw new AcmeException($"{url.AbsoluteUri} answered {(int)response.StatusCode} {problem.ToOneLine()}", problem, retryAfter);
        }
    }

    /// <summary>Polls a resource with POST-as-GET until <paramref name="done"/>: Retry-After when given, else 250 ms doubling to 5 s.</summary>
    private async Task<(T Resource, AcmeResponse Response)> PollAsync<T>(Uri url, JsonTypeInfo<T> type, Func<T, bool> done, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var wait = FirstPoll;
        while (true)
        {
            var response = await PostAsGetAsync(url, cancellationToken);
            var resource = Deserialize(response.Body, type);
            if (done(resource))
            {
                return (resource, response);
            }

            if (_time.GetElapsedTime(started) > PollTimeout)
            {
                throw new AcmeException($"{url.AbsoluteUri} was still not final after {PollTimeout.TotalSeconds:0} s.");
            }

            var delay = response.RetryAfter is { } retryAfter ? TimeSpan.FromTicks(Math.Min(retryAfter.Ticks, LongestPoll.Ticks * 6)) : wait;
            await Task.Delay(delay, _time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks));
        }
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
    {
        lock (_nonceLock)
        {
            if (_nonce is { } kept)
            {
                _nonce = null;
                return kept;
            }
        }

        var directory = await GetDirectoryAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { Length: > 0 } nonce
            ? nonce
            : throw new AcmeException($"newNonce ({directory.NewNonce}) answered {(int)response.StatusCode} without a Replay-Nonce.");
    }

    private void KeepNonce(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { Length: > 0 } nonce)
        {
            lock (_nonceLock)
            {
                _nonce = nonce;
            }
        }
    }

    /// <summary>Retry-After as seconds or an HTTP date (RFC 9110, section 10.2.3), relative to the TimeProvider's now.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static AcmeProblem? TryParseProblem(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, AcmeJsonContext.Default.AcmeProblem);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static T Deserialize<T>(byte[] body, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new AcmeException($"The CA answered an empty {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            throw new AcmeException($"The CA answered a malformed {typeof(T).Name}: {ex.Message}", inner: ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(AcmeLogEventIds.AccountReady, LogLevel.Information, "ACME account {AccountUrl} ready ({How})")]
        public static partial void AccountReady(ILogger logger, string accountUrl, string how);

        [LoggerMessage(EventId = AcmeLogEventIds.ProblemDocument, Message = "ACME {Url} answered {Status} {Problem}")]
        public static partial void Problem(ILogger logger, LogLevel level, string url, int status, string problem);

        [LoggerMessage(AcmeLogEventIds.RequestRetried, LogLevel.Information, "ACME {Url}: retrying after {Reason} in {Delay}")]
        public static partial void Retrying(ILogger logger, string url, string reason, TimeSpan delay);
    }
}
