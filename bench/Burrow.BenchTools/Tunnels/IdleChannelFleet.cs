using System.Diagnostics;
using Burrow.Protocol.Mux;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.BenchTools.Tunnels;

/// <summary>
/// <c>idle-channels SERVER USER TOKEN COUNT CONCURRENCY</c>: COUNT idle tunnels (scale-N) on one server, each a
/// registration and a real <see cref="AgentMuxConnection"/> (keepalive and all) over its own channel socket,
/// at most CONCURRENCY registrations in flight through one shared HTTP client. Unlike BurrowAgent, no agent keeps an
/// idle registration connection open afterwards, so ten thousand tunnels need ten thousand sockets on each side, not
/// twenty. Prints a JSON line with how many came online and how long registering them all took, then holds them
/// until stopped (at most 10 minutes).
/// </summary>
internal static class IdleChannelFleet
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(Uri server, string user, string token, int count, int concurrency, CancellationToken stop)
    {
        using var http = RegistrationApi.CreateClient(server, concurrency);
        using var gate = new SemaphoreSlim(concurrency);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        var held = new List<(RawChannel Channel, AgentMuxConnection Mux)>();
        var online = 0;
        var failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();

        async Task OpenOneAsync(int index)
        {
            try
            {
                await gate.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, "not started within the 5 minute bound", null);
                return;
            }

            try
            {
                var registration = await RegistrationApi.RegisterAsync(http, user, token, $"scale-{index}", deadline.Token);
                var channel = await RawChannel.OpenAsync(registration, receiveBufferSize: null, deadline.Token);
                var mux = new AgentMuxConnection(channel.Transport, channel.Keys, new MuxOptions(), NullLogger.Instance, name: $"scale-{index}");
                lock (held)
                {
                    held.Add((channel, mux));
                }

                mux.Start();
                if (!await mux.PeerReady.WaitAsync(ReadyTimeout, deadline.Token))
                {
                    throw new InvalidOperationException($"channel refused: {(await mux.Completion).Message}");
                }

                if (Interlocked.Increment(ref online) % 1000 == 0)
                {
                    Console.WriteLine(FormattableString.Invariant($"online {online} after {clock.Elapsed.TotalSeconds:0.0} s"));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"scale-{index}: {ex.GetType().Name}: {ex.Message}", null);
            }
            finally
            {
                gate.Release();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, count).Select(OpenOneAsync));
        var seconds = clock.Elapsed.TotalSeconds;
        ToolOutput.Json(new Dictionary<string, object?>
        {
            ["event"] = "ready",
            ["requested"] = count,
            ["online"] = online,
            ["failed"] = failed,
            ["seconds"] = ToolOutput.Round(seconds),
            ["per_second"] = ToolOutput.Round(online / Math.Max(seconds, 0.001), 0),
            ["first_error"] = firstError,
        });

        try
        {
            await Task.Delay(TimeSpan.FromMinutes(10), stop);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var (channel, mux) in held)
        {
            await mux.DisposeAsync();
            await channel.DisposeAsync();
        }

        return 0;
    }
}
