using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Burrow.Server.Acme;
using Burrow.Server.Acme.Protocol;
using Burrow.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Acme.Protocol;

/// <summary>
/// The error paths of the client against a real local HTTP server that answers like a CA under test conditions
/// (rate limits, 503s, badNonce, hostile problem text), which pebble cannot be made to do on cue. Waits run on a
/// fake clock whose timers the test observes, so each backoff is checked exactly and nothing sleeps.
/// </summary>
public sealed class AcmeClientRetryTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, string Body)> _script = new();
    private readonly ConcurrentQueue<string> _nonces = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private WebApplication _ca = null!;
    private Uri _directory = null!;
    private int _nonceCounter;

    public AcmeClientRetryTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _ca = builder.Build();
        _ca.MapGet("/dir", (HttpContext c) => Results.Json(new { newNonce = $"{Base(c)}/nonce", newAccount = $"{Base(c)}/account", newOrder = $"{Base(c)}/order" }));
        _ca.MapMethods("/nonce", ["HEAD"], (HttpContext c) =>
        {
            c.Response.Headers["Replay-Nonce"] = NextNonce();
            return Results.Ok();
        });
        _ca.MapPost("/account", async (HttpContext c) =>
        {
            using var jws = await JsonDocument.ParseAsync(c.Request.Body);
            var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.RootElement.GetProperty("protected").GetString()!));
            _nonces.Enqueue(header.RootElement.GetProperty("nonce").GetString()!);
            c.Response.Headers["Replay-Nonce"] = NextNonce();
            if (!_script.TryDequeue(out var step))
            {
                step = (201, null, "{\"status\":\"valid\"}");
            }

            if (step.RetryAfter is not null)
            {
                c.Response.Headers.RetryAfter = step.RetryAfter;
            }

            if (step.Status == 201)
            {
                c.Response.Headers.Location = $"{Base(c)}/account/1";
            }

            c.Response.StatusCode = step.Status;
            c.Response.ContentType = step.Status >= 400 ? "application/problem+json" : "application/json";
            await c.Response.WriteAsync(step.Body);
        });
        await _ca.StartAsync();
        var address = _ca.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _directory = new Uri(address + "/dir");
    }

    public async Task DisposeAsync()
    {
        await _ca.DisposeAsync();
        _loggers.Dispose();
    }

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Rate_limit_with_retry_after_waits_exactly_that_long_then_succeeds()
    {
        _script.Enqueue((429, "7", Problem("rateLimited", "too many new accounts")));
        var time = new ObservedTimeProvider();
        using var client = Client(time);

        var account = client.EnsureAccountAsync("ops@burrow.test", CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(7), await time.NextTimerAsync());
        Assert.Single(_nonces);
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.EndsWith("/account/1", await account.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        Assert.Equal(2, _nonces.Count);
    }

    [Fact]
    public async Task Service_unavailable_without_retry_after_backs_off_exponentially()
    {
        _script.Enqueue((503, null, Problem("serverInternal", "maintenance")));
        _script.Enqueue((503, null, Problem("serverInternal", "maintenance")));
        var time = new ObservedTimeProvider();
        using var client = Client(time);

        var account = client.EnsureAccountAsync(null, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(2));
        await account.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, _nonces.Count);
    }

    [Fact]
    public async Task Rate_limit_longer_than_the_inline_wait_is_thrown_with_its_retry_after_for_the_scheduler()
    {
        _script.Enqueue((429, "3600", Problem("rateLimited", "too many certificates")));
        using var client = Client(new ObservedTimeProvider());

        var ex = await Assert.ThrowsAsync<AcmeException>(() => client.EnsureAccountAsync(null, CancellationToken.None));

        Assert.True(ex.IsRateLimit);
        Assert.Equal(TimeSpan.FromHours(1), ex.RetryAfter);
        Assert.Single(_nonces);
    }

    [Fact]
    public async Task Bad_nonce_is_retried_at_once_with_the_nonce_from_the_error_answer()
    {
        _script.Enqueue((400, null, Problem("badNonce", "stale")));
        using var client = Client(new ObservedTimeProvider());

        await client.EnsureAccountAsync(null, CancellationToken.None);

        var used = _nonces.ToArray();
        Assert.Equal(2, used.Length);
        Assert.Equal("n1", used[0]); // From HEAD newNonce.
        Assert.Equal("n2", used[1]); // From the badNonce answer's Replay-Nonce.
    }

    [Fact]
    public async Task Problem_document_is_logged_as_one_line_with_control_characters_escaped()
    {
        _script.Enqueue((403, null, "{\"type\":\"urn:ietf:params:acme:error:unauthorized\",\"detail\":\"no\\r\\nFAKE LOG LINE\",\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\",\"detail\":\"blocked\",\"identifier\":{\"type\":\"dns\",\"value\":\"x.burrow.test\"}}]}"));
        using var client = Client(new ObservedTimeProvider());

        var ex = await Assert.ThrowsAsync<AcmeException>(() => client.EnsureAccountAsync(null, CancellationToken.None));

        var line = _logs.Entries.Single(e => e.EventId == AcmeLogEventIds.ProblemDocument).Message;
        Assert.Contains("unauthorized: no\\r\\nFAKE LOG LINE [x.burrow.test: rejectedIdentifier blocked]", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.Equal("unauthorized", ex.Problem!.ShortType);
    }

    private static string Base(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private static string Problem(string type, string detail) => JsonSerializer.Serialize(new { type = "urn:ietf:params:acme:error:" + type, detail });

    private string NextNonce() => "n" + Interlocked.Increment(ref _nonceCounter);

    private AcmeClient Client(TimeProvider time)
    {
        return new AcmeClient(new HttpClient(), _directory, AcmeAccountKey.Create(), time, _loggers.CreateLogger<AcmeClient>());
    }

    /// <summary>A fake clock that reports every timer created on it, so a test knows the client is waiting and for how long.</summary>
    private sealed class ObservedTimeProvider : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timers.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task<TimeSpan> NextTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
