using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Burrow.Server.Observability;
using Burrow.Server.Observability.AccessLog;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Server.Tests.Observability;

/// <summary>The access log of real traffic through a real tunnel, in each format, reopened, and when it falls behind.</summary>
public sealed class AccessLogTests : IDisposable
{
    private readonly TempDataDirectory _logs = new(create: true);

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Every_public_request_gets_one_json_line_with_its_fields()
    {
        var path = Path.Combine(_logs.Path, "access.log");
        await using var scenario = await TunnelScenario.StartAsync("logged", settings => settings.AccessLog(log => log.AccessLog = path));
        using (var download = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/download?size=1234&secret=hunter2")))
        {
            download.Headers.UserAgent.ParseAdd("log-test/1.0");
            using var response = await scenario.PublicClient.SendAsync(download);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var content = new ByteArrayContent(new byte[3000]))
        using (var upload = await scenario.PublicClient.PostAsync(scenario.PublicUri("/upload"), content))
        {
            upload.EnsureSuccessStatusCode();
        }

        using (var missing = await scenario.PublicClient.GetAsync(scenario.PublicUri("/status/404")))
        using (var unknown = await scenario.PublicClient.GetAsync(scenario.Host.PublicUri("nobody", "/x")))
        using (var forged = await scenario.PublicClient.GetAsync(scenario.PublicUri("/id/a%0A%7B%22status%22:200%7D")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var lines = await WaitForLinesAsync(scenario, path, 5);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var first = entries[0];
        Assert.Equal("logged", first.GetProperty("tunnel").GetString());
        Assert.Equal("alice", first.GetProperty("user").GetString());
        Assert.Equal("127.0.0.1", first.GetProperty("client").GetString());
        Assert.Equal("GET", first.GetProperty("method").GetString());
        Assert.Equal("/download", first.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", first.GetProperty("protocol").GetString());
        Assert.Equal(200, first.GetProperty("status").GetInt32());
        Assert.Equal(0, first.GetProperty("bytes_in").GetInt64());
        Assert.Equal(1234, first.GetProperty("bytes_out").GetInt64());
        Assert.True(first.GetProperty("duration_ms").GetDouble() > 0);
        Assert.Equal("log-test/1.0", first.GetProperty("user_agent").GetString());
        Assert.Equal($"logged.localhost", first.GetProperty("host").GetString());
        Assert.True(DateTimeOffset.UtcNow - first.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        Assert.DoesNotContain("hunter2", string.Join('\n', lines), StringComparison.Ordinal);

        Assert.Equal(("POST", "/upload", 200, 3000L), Summary(entries[1]));
        Assert.Equal(("GET", "/status/404", 404, 0L), Summary(entries[2]));
        Assert.Equal(JsonValueKind.Null, entries[3].GetProperty("tunnel").ValueKind);
        Assert.Equal(404, entries[3].GetProperty("status").GetInt32());
        Assert.Equal("/id/a\n{\"status\":200}", entries[4].GetProperty("path").GetString());
        Assert.Equal(5, entries.Select(e => e.GetProperty("request_id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Combined_format_keeps_the_query_when_asked_and_escapes_what_a_visitor_sent()
    {
        var path = Path.Combine(_logs.Path, "combined.log");
        await using var scenario = await TunnelScenario.StartAsync("clf", settings => settings.AccessLog(log =>
        {
            log.AccessLog = path;
            log.AccessLogFormat = AccessLogFormat.Combined;
            log.AccessLogQuery = true;
        }));
        using (var request = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/download?size=10")))
        {
            request.Headers.Referrer = new Uri("http://example.test/from");
            request.Headers.TryAddWithoutValidation("User-Agent", "quote\" and \\ back");
            using var response = await scenario.PublicClient.SendAsync(request);
        }

        using (var forged = await scenario.PublicClient.GetAsync(scenario.PublicUri("/id/x%0A127.0.0.1%20-%20-")))
        {
        }

        var lines = await WaitForLinesAsync(scenario, path, 2);
        var clf = new Regex("""^127\.0\.0\.1 - alice \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET /download\?size=10 HTTP/1\.1" 200 10 "http://example\.test/from" "quote\\" and \\\\ back"$""");
        Assert.Matches(clf, lines[0]);
        Assert.Contains("\"GET /id/x\\x0a127.0.0.1 - - HTTP/1.1\" 200", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_starts_a_new_file_after_the_old_one_was_moved_away()
    {
        var path = Path.Combine(_logs.Path, "rotated.log");
        await using var scenario = await TunnelScenario.StartAsync("rotated", settings => settings.AccessLog(log => log.AccessLog = path));
        await GetAsync(scenario, "/id/before");
        await WaitForLinesAsync(scenario, path, 1);

        // What logrotate does: move the file, then signal the server (the command maps SIGHUP to ReopenLogs).
        File.Move(path, path + ".1");
        await GetAsync(scenario, "/id/still-old");
        await Poll.UntilAsync(() => File.ReadAllLines(path + ".1").Length == 2, "the line written before the reopen");
        scenario.Host.Server.ReopenLogs();
        await GetAsync(scenario, "/id/after");

        await Poll.UntilAsync(() => File.Exists(path) && File.ReadAllLines(path).Length == 1, "the new file");
        Assert.Contains("/id/after", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.DoesNotContain("/id/after", File.ReadAllText(path + ".1"), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task A_writer_stuck_on_its_output_never_holds_requests_back_and_what_it_cannot_take_is_dropped_and_counted()
    {
        // A FIFO nobody reads yet: once the pipe's 64 KiB are full the writer is stuck in write(), as on a hung disk.
        var fifo = Path.Combine(_logs.Path, "stuck.fifo");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        await using var scenario = await TunnelScenario.StartAsync("stuck", settings => settings.AccessLog(log =>
        {
            log.AccessLog = fifo;
            log.AccessLogQueueSize = 2;
        }));
        var writer = scenario.Host.Server.Services.GetRequiredService<AccessLogWriter>();
        var reader = Task.Factory.StartNew(() => new FileStream(fifo, FileMode.Open, FileAccess.Read), TaskCreationOptions.LongRunning);

        // 120 requests with 7 KB paths, which the log keeps to 1 KiB each (EdgeTelemetry.Clip): about 50 lines fill the
        // pipe, 2 wait in the queue, the rest must be dropped.
        const int Requests = 120;
        var padding = new string('p', 7000);
        for (var i = 0; i < Requests; i++)
        {
            using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri($"/id/{i}-{padding}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(writer.Dropped > 0, "a full queue drops");
        using var admin = new HttpClient();
        var scrape = await PrometheusText.ScrapeAsync(admin, new Uri(scenario.Host.Server.AdminUrl!, "/metrics"));
        Assert.Equal(writer.Dropped, scrape.Value("burrow_access_log_dropped_total"));

        // Drain the pipe: every line that was not dropped arrives, whole.
        await using var pipe = await reader;
        using var lines = new StreamReader(pipe);
        var received = 0;
        while (received + writer.Dropped < Requests && await lines.ReadLineAsync() is { } line)
        {
            Assert.EndsWith("}", line, StringComparison.Ordinal);
            Assert.True(line.Length < 2 * EdgeTelemetry.MaxFieldLength, "the visitor's path is kept to 1 KiB in the log");
            received++;
        }

        Assert.Equal(Requests, received + writer.Dropped);
    }

    private static (string, string, int, long) Summary(JsonElement entry)
        => (entry.GetProperty("method").GetString()!, entry.GetProperty("path").GetString()!, entry.GetProperty("status").GetInt32(), entry.GetProperty("bytes_in").GetInt64());

    [Fact]
    public async Task An_access_log_that_cannot_be_opened_logs_one_error_not_one_per_request_and_counts_the_lines_lost()
    {
        // The directory is checked at start; it goes away later (a volume unmounted, a cleanup gone wrong).
        var directory = Directory.CreateDirectory(Path.Combine(_logs.Path, "gone")).FullName;
        var path = Path.Combine(directory, "access.log");
        await using var scenario = await TunnelScenario.StartAsync("demo", server => server.AccessLog(o => o.AccessLog = path));
        var writer = scenario.Host.Server.Services.GetRequiredService<AccessLogWriter>();
        Directory.Delete(directory, recursive: true);

        // One request at a time, each waiting for its line to be given up: every one is a batch of its own, and the
        // writer tries to open the file again for each.
        for (var i = 1; i <= 5; i++)
        {
            await GetAsync(scenario, $"/id/{i}");
            await Poll.UntilAsync(() => writer.Dropped >= i, $"line {i} counted as lost");
        }

        Assert.Equal(5, writer.Dropped);
        Assert.Single(scenario.Host.Logs.Entries, e => e.EventId == ServerEventIds.AccessLogOpenFailed);
        Assert.False(File.Exists(path));
    }

    private static async Task GetAsync(TunnelScenario scenario, string path)
    {
        using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri(path));
        response.EnsureSuccessStatusCode();
    }

    private static async Task<string[]> WaitForLinesAsync(TunnelScenario scenario, string path, int count)
    {
        var writer = scenario.Host.Server.Services.GetRequiredService<AccessLogWriter>();
        await Poll.UntilAsync(() => writer.Written >= count, $"{count} access log lines");
        await Poll.UntilAsync(() => File.Exists(path) && File.ReadAllLines(path).Length >= count, $"{count} lines in {path}");
        return File.ReadAllLines(path);
    }
}
