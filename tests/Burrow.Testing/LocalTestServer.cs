using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Burrow.Testing;

/// <summary>
/// The "local server" behind a tunnel: a real Kestrel on 127.0.0.1, port 0, with endpoints that echo what they
/// receive, stream bodies, hash uploads, emit Server-Sent Events and echo WebSockets.
/// </summary>
public sealed class LocalTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalTestServer(WebApplication app)
    {
        _app = app;
    }

    public int Port { get; private set; }

    private readonly ChangeSignal _changed = new();
    private readonly TaskCompletionSource _die = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _slowWriteProgress;
    private int _abortedRequests;

    /// <summary>Requests whose client went away while the local server was still answering.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>Bytes the /slow-write endpoint managed to hand to Kestrel so far (for backpressure tests).</summary>
    public long SlowWriteProgress => Interlocked.Read(ref _slowWriteProgress);

    /// <summary>Completes once <paramref name="count"/> requests were aborted by their client while being answered.</summary>
    public Task WaitForAbortedRequestsAsync(int count, TimeSpan? timeout = null)
        => _changed.WaitUntilAsync(
            () => AbortedRequests >= count,
            timeout ?? TimeSpan.FromSeconds(15),
            () => $"{AbortedRequests} of {count} requests aborted; /slow-write wrote {SlowWriteProgress} bytes.");

    /// <summary>
    /// Waits until /slow-write's writes are held back: no write completes for <paramref name="quiet"/>. A stall is
    /// the absence of progress, so it can only be seen over a window; each completed write restarts it (woken by
    /// the write, not by polling). Returns the bytes written when the stall began.
    /// </summary>
    public async Task<long> WaitForSlowWriteStallAsync(TimeSpan quiet, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var before = SlowWriteProgress;
            try
            {
                await _changed.WaitUntilAsync(() => SlowWriteProgress != before, quiet, () => "no progress");
            }
            catch (TimeoutException)
            {
                return before;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"/slow-write never stalled in {timeout.TotalSeconds:0} s; it wrote {SlowWriteProgress} bytes.");
            }
        }
    }

    /// <summary>Completes once /slow-write has written more than <paramref name="bytes"/>.</summary>
    public Task WaitForSlowWriteProgressAsync(long bytes, TimeSpan? timeout = null)
        => _changed.WaitUntilAsync(
            () => SlowWriteProgress > bytes,
            timeout ?? TimeSpan.FromSeconds(15),
            () => $"/slow-write is at {SlowWriteProgress} bytes, not past {bytes}.");

    /// <summary>Makes every /die response in progress drop its connection now.</summary>
    public void Die() => _die.TrySetResult();

    public static async Task<LocalTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        builder.Services.Configure<KestrelServerOptions>(o => o.AllowSynchronousIO = false);
        var app = builder.Build();
        app.UseWebSockets();
        var server = new LocalTestServer(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Deterministic content: byte i is (i * 31 + 7) mod 251.</summary>
    public static void Fill(Span<byte> buffer, long offset)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(((offset + i) * 31 + 7) % 251);
        }
    }

    private void Map(WebApplication app)
    {
        app.Map("/echo", async (HttpContext context) =>
        {
            var request = context.Request;
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var response = new StringBuilder();
            response.Append(request.Method).Append(' ').Append(request.Path).Append(request.QueryString).Append('\n');
            foreach (var header in request.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            {
                foreach (var value in header.Value)
                {
                    response.Append(header.Key.ToLowerInvariant()).Append(": ").Append(value).Append('\n');
                }
            }

            response.Append('\n').Append(Encoding.UTF8.GetString(body.ToArray()));
            context.Response.Headers["X-Echo"] = "1";
            context.Response.Headers.Append("Set-Cookie", "a=1; Path=/");
            context.Response.Headers.Append("Set-Cookie", "b=2; Path=/");
            await context.Response.WriteAsync(response.ToString());
        });

        app.MapGet("/gzip", async (HttpContext context, string text) =>
        {
            // A JSON body compressed the way a server's response compression would send it.
            using var compressed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest))
            {
                gzip.Write(Encoding.UTF8.GetBytes($"{{\"text\":\"{text}\",\"list\":[1,2,3]}}"));
            }

            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(compressed.ToArray());
        });

        app.MapGet("/status/{code:int}", (int code) => code is 204 or 304 ? Results.StatusCode(code) : Results.Text($"status {code}", statusCode: code));

        app.MapGet("/id/{id}", (string id) => Results.Text($"answer {id}"));

        app.MapGet("/download", async (HttpContext context, long size) =>
        {
            context.Response.ContentLength = size;
            var buffer = new byte[64 * 1024];
            for (long sent = 0; sent < size;)
            {
                var n = (int)Math.Min(buffer.Length, size - sent);
                Fill(buffer.AsSpan(0, n), sent);
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                sent += n;
            }
        });

        app.MapPost("/upload", async (HttpContext context) =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }

            return Results.Text($"{total} {Convert.ToHexString(sha.GetHashAndReset())}");
        });

        app.MapGet("/slow-write", async (HttpContext context, long size) =>
        {
            Interlocked.Exchange(ref _slowWriteProgress, 0);
            var buffer = new byte[16 * 1024];
            try
            {
                for (long sent = 0; sent < size; sent += buffer.Length)
                {
                    // Kestrel turns writes after an abort into no-ops, so the token is checked here as well:
                    // without it a fast loop could "finish" the body into the void and never count the abort.
                    context.RequestAborted.ThrowIfCancellationRequested();
                    await context.Response.Body.WriteAsync(buffer, context.RequestAborted);
                    Interlocked.Add(ref _slowWriteProgress, buffer.Length);
                    _changed.Pulse();
                }

                // Only the tests' huge sizes reach this endpoint, so getting here means the writes went into the
                // void after an abort whose RequestAborted signal Kestrel queued to the (busy) thread pool. Ending
                // the request now would cancel that signal for good (seen in CI); hold it open until it arrives.
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (context.RequestAborted.Register(() => aborted.TrySetCanceled(context.RequestAborted)))
                {
                    await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                Interlocked.Increment(ref _abortedRequests);
                _changed.Pulse();
            }
            catch (TimeoutException)
            {
                // Written in full and never aborted: the request simply ends.
            }
        });

        app.MapGet("/die", async (HttpContext context) =>
        {
            // Promise a megabyte, send a little, then drop the connection when the test says so (after its client
            // has the first bytes): a local server crashing mid-response.
            context.Response.ContentLength = 1024 * 1024;
            await context.Response.Body.WriteAsync(new byte[1000]);
            await context.Response.Body.FlushAsync();
            await _die.Task.WaitAsync(context.RequestAborted);
            context.Abort();
        });

        app.MapPost("/continue", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            return Results.Text($"got {body.Length}");
        });

        app.MapGet("/sse", async (HttpContext context, int count, int delayMs) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < count; i++)
            {
                await context.Response.WriteAsync($"data: event {i}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);

                // Not a wait for anything: events spaced in time are what this endpoint is for (a slow answer on purpose).
                await Task.Delay(delayMs, context.RequestAborted);
            }
        });

        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[2 * 1024 * 1024];
            while (true)
            {
                var offset = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(offset), CancellationToken.None) is var r
                        ? new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage)
                        : throw new InvalidOperationException();
                    offset += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }

                    return;
                }

                if (offset == 5 && Encoding.UTF8.GetString(buffer, 0, 5) == "close")
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "server closes", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, offset), result.MessageType, true, CancellationToken.None);
            }
        });
    }
}
