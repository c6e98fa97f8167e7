namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// A real <c>pebble-challtestsrv</c> on loopback used as the DNS server pebble asks: every A query answers
/// 127.0.0.1 (no AAAA, the test server listens on IPv4), and TXT records can be set through its management API.
/// </summary>
internal sealed class ChallTestServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private ChallTestServer(ExternalProcess process, int dnsPort, int managementPort)
    {
        _process = process;
        DnsPort = dnsPort;
        ManagementPort = managementPort;
    }

    public int DnsPort { get; }

    public int ManagementPort { get; }

    public string DnsAddress => $"127.0.0.1:{DnsPort}";

    public Uri ManagementUri => new($"http://127.0.0.1:{ManagementPort}/");

    public static async Task<ChallTestServer> StartAsync()
    {
        var binary = ExternalProcess.Require("pebble-challtestsrv", "pebble");
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Take(2);
            var process = ExternalProcess.Start(binary, ["-dns01", $"127.0.0.1:{ports[0]}", "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", $"127.0.0.1:{ports[1]}", "-defaultIPv6", ""]);
            if (await process.WaitForLineAsync("Starting management server", TimeSpan.FromSeconds(15)) && !process.HasExited)
            {
                return new ChallTestServer(process, ports[0], ports[1]);
            }

            var output = process.Output;
            await process.DisposeAsync();
            if (!LoopbackPorts.IsConflict(output) || attempt == LoopbackPorts.Attempts)
            {
                throw new Xunit.Sdk.XunitException($"pebble-challtestsrv did not start:\n{output}");
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
