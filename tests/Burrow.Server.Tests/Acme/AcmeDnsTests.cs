using System.Net;
using Burrow.Server.Acme;
using Burrow.Server.Acme.Dns;
using Burrow.Server.Tests.Acme.Infrastructure;
using Burrow.Testing;

namespace Burrow.Server.Tests.Acme;

/// <summary>Wildcard certificates through DNS-01: RFC 2136 updates signed with TSIG to a real BIND, and an exec hook script.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeDnsTests
{
    private const string Wildcard = "burrow.test, *.burrow.test";

    [Fact]
    public async Task Wildcard_certificate_is_issued_through_tsig_signed_updates_to_bind_and_the_txt_record_is_removed_after()
    {
        await using var bind = await BindServer.StartAsync();
        await using var bed = await AcmeTestBed.StartAsync(
            o =>
            {
                o.Wildcard = true;
                o.DnsRfc2136 = bind.Address;
                o.DnsTsig = bind.Tsig;
            },
            dnsServer: bind.Address);

        await bed.WaitForIssuedAsync(Wildcard);

        using var root = await bed.Pebble.RootAsync();
        using var client = bed.HttpsClient(root);
        using var response = await client.GetAsync(new Uri($"https://anything.{AcmeTestBed.Domain}:{bed.HttpsPort}/"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // Verified TLS for a name nobody registered: the wildcard covers it.
        var server = DnsQueries.ClientFor([IPAddress.Loopback], bind.Port);
        Assert.Empty(await DnsQueries.TxtAsync(server, "_acme-challenge." + AcmeTestBed.Domain, CancellationToken.None));
        Assert.Equal(2, bed.Host.Logs.Entries.Count(e => e.EventId == AcmeLogEventIds.DnsRecordCleanedUp));
    }

    [Fact]
    public async Task Update_with_a_wrong_tsig_secret_is_refused_and_the_order_fails_with_the_reason()
    {
        await using var bind = await BindServer.StartAsync();
        await using var bed = await AcmeTestBed.StartAsync(
            o =>
            {
                o.Wildcard = true;
                o.DnsRfc2136 = bind.Address;
                o.DnsTsig = $"{BindServer.KeyName}:hmac-sha256:{Convert.ToBase64String(new byte[32])}";
            },
            dnsServer: bind.Address);

        await bed.Host.Logs.WaitForAsync(AcmeLogEventIds.OrderFailed, "refused", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Wildcard_certificate_is_issued_through_an_exec_hook_called_with_present_and_cleanup()
    {
        await using var dns = await ChallTestServer.StartAsync();
        using var scripts = new TempDataDirectory(create: true);
        var calls = Path.Combine(scripts.Path, "calls.log");
        var hook = WriteScript(scripts.Path, "hook.sh", $$"""
            #!/bin/sh
            set -e
            echo "$1 $2 $3" >> "{{calls}}"
            case "$1" in
              present) curl -sf -X POST -d "{\"host\":\"$2.\",\"value\":\"$3\"}" {{dns.ManagementUri}}set-txt ;;
              cleanup) curl -sf -X POST -d "{\"host\":\"$2.\"}" {{dns.ManagementUri}}clear-txt ;;
            esac
            """);
        await using var bed = await AcmeTestBed.StartAsync(
            o =>
            {
                o.Wildcard = true;
                o.DnsHook = hook;
                o.DnsCheckServers = [dns.DnsAddress];
            },
            dnsServer: dns.DnsAddress);

        await bed.WaitForIssuedAsync(Wildcard);

        var lines = await File.ReadAllLinesAsync(calls);
        Assert.Equal(2, lines.Count(l => l.StartsWith("present _acme-challenge.burrow.test ", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.StartsWith("cleanup _acme-challenge.burrow.test ", StringComparison.Ordinal)));
        var (presented, _) = await bed.HandshakeAsync($"demo.{AcmeTestBed.Domain}");
        Assert.True(presented.MatchesHostname($"demo.{AcmeTestBed.Domain}"));
    }

    [Fact]
    public async Task A_failing_hook_fails_the_order_with_its_last_stderr_line()
    {
        await using var dns = await ChallTestServer.StartAsync();
        using var scripts = new TempDataDirectory(create: true);
        var hook = WriteScript(scripts.Path, "failing.sh", """
            #!/bin/sh
            echo "starting" >&2
            echo "provider API said: token expired" >&2
            exit 3
            """);
        await using var bed = await AcmeTestBed.StartAsync(
            o =>
            {
                o.Wildcard = true;
                o.DnsHook = hook;
                o.DnsCheckServers = [dns.DnsAddress];
            },
            dnsServer: dns.DnsAddress);

        await bed.Host.Logs.WaitForAsync(AcmeLogEventIds.OrderFailed, "exited with 3: provider API said: token expired", TimeSpan.FromSeconds(30));
    }

    private static string WriteScript(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
