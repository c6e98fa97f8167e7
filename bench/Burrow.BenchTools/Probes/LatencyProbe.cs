using System.Diagnostics;

namespace Burrow.BenchTools.Probes;

/// <summary>
/// <c>probe PORT HOST PATH SECONDS RATE TIMEOUT_S</c>: GET http://HOST/PATH through 127.0.0.1:PORT at a fixed RATE per
/// second for SECONDS, each request started on schedule whether or not earlier ones finished (an open loop: a stall
/// shows up in every request it delays, not just the one that met it). Prints one JSON line: count, errors,
/// p50/p99/max of the successful ones, and the worst latency in each second.
/// </summary>
internal static class LatencyProbe
{
    public static async Task<int> RunAsync(int port, string host, string path, TimeSpan duration, double rate, TimeSpan timeout, CancellationToken stop)
    {
        using var client = new HttpClient(LoopbackHandler.Create(port, timeout)) { Timeout = timeout };
        var uri = new Uri($"http://{host}:{port}{path}");
        var planned = Math.Max(1, (int)(duration.TotalSeconds * rate));
        var requests = new List<Task<ProbeSample>>(planned);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < planned && !stop.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }

            requests.Add(SendAsync(client, uri, due.TotalSeconds, clock, stop));
        }

        var samples = await Task.WhenAll(requests);
        var total = samples.Length;
        var ok = samples.Where(s => s.Ok).Select(s => s.Milliseconds).Order().ToArray();
        var errors = samples.Where(s => !s.Ok).GroupBy(s => s.Error ?? $"HTTP {s.Status}")
            .ToDictionary(g => g.Key, g => (object?)g.Count());
        var worstBySecond = samples.GroupBy(s => (int)s.DueSeconds).OrderBy(g => g.Key)
            .Select(g => ToolOutput.Round(g.Max(s => s.Milliseconds), 1)).ToArray();
        ToolOutput.Json(new Dictionary<string, object?>
        {
            ["event"] = "done",
            ["requests"] = total,
            ["ok"] = ok.Length,
            ["errors"] = total - ok.Length,
            ["error_kinds"] = errors,
            ["p50_ms"] = Percentile(ok, 0.50),
            ["p99_ms"] = Percentile(ok, 0.99),
            ["max_ms"] = ok.Length > 0 ? ToolOutput.Round(ok[^1]) : null,
            ["over_1s"] = samples.Count(s => s.Milliseconds > 1000),
            ["worst_ms_by_second"] = worstBySecond,
            ["rate"] = rate,
            ["seconds"] = ToolOutput.Round(clock.Elapsed.TotalSeconds),
        });
        return 0;
    }

    private static async Task<ProbeSample> SendAsync(HttpClient client, Uri uri, double due, Stopwatch clock, CancellationToken stop)
    {
        var started = clock.Elapsed;
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, stop);
            return new ProbeSample(due, (clock.Elapsed - started).TotalMilliseconds, (int)response.StatusCode, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            var kind = ex is TaskCanceledException ? "timeout" : ex.GetType().Name;
            return new ProbeSample(due, (clock.Elapsed - started).TotalMilliseconds, 0, kind);
        }
    }

    private static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : ToolOutput.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]);
}
