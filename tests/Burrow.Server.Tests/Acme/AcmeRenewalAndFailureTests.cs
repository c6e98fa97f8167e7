using System.Net;
using Burrow.Server.Acme;
using Burrow.Server.Acme.Protocol;
using Burrow.Server.Tests.Acme.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Server.Tests.Acme;

/// <summary>Renewal with hot swap, a CA that refuses, and the account key surviving a restart, all against a real pebble.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeRenewalAndFailureTests
{
    [Fact]
    public async Task Short_lived_certificate_is_renewed_and_swapped_without_dropping_an_open_connection()
    {
        // 9 s of validity: renewal is due two thirds in, after 6 s.
        await using var bed = await AcmeTestBed.StartAsync(validitySeconds: 9);
        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);
        using var root = await bed.Pebble.RootAsync();
        var (first, _) = await bed.HandshakeAsync(AcmeTestBed.Domain);
        using var client = bed.HttpsClient(root);
        using (var before = await client.GetAsync(new Uri($"https://{AcmeTestBed.Domain}:{bed.HttpsPort}/api/health")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await bed.Host.Logs.WaitForAsync(AcmeLogEventIds.OrderStarted, "burrow.test (renewal)", TimeSpan.FromSeconds(30));
        await WaitForCountAsync(bed, AcmeLogEventIds.CertificateIssued, 2);

        var (second, _) = await bed.HandshakeAsync(AcmeTestBed.Domain);
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        using var after = await client.GetAsync(new Uri($"https://{AcmeTestBed.Domain}:{bed.HttpsPort}/api/health"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(1, bed.Connections); // The open connection carried on through the swap.
    }

    [Fact]
    public async Task A_refusing_CA_is_logged_in_one_line_retried_with_backoff_and_visitors_keep_a_certificate()
    {
        await using var bed = await AcmeTestBed.StartAsync(blocklist: [AcmeTestBed.Domain]);

        await bed.Host.Logs.WaitForAsync(AcmeLogEventIds.OrderFailed, "order for burrow.test failed", TimeSpan.FromSeconds(30));
        await WaitForCountAsync(bed, AcmeLogEventIds.OrderFailed, 2);

        var problem = bed.Host.Logs.Entries.First(e => e.EventId == AcmeLogEventIds.ProblemDocument && e.Message.Contains("rejectedIdentifier", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', problem.Message);
        Assert.Contains("next attempt in", bed.Host.Logs.Entries.First(e => e.EventId == AcmeLogEventIds.OrderFailed).Message, StringComparison.Ordinal);
        var (presented, _) = await bed.HandshakeAsync(AcmeTestBed.Domain);
        Assert.Contains("certificate pending", presented.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Account_key_is_stored_0600_and_reused_after_a_restart()
    {
        await using var dns = await ChallTestServer.StartAsync();
        await using var pebble = await PebbleServer.StartAsync(80, 443, dns.DnsAddress);
        using var data = new Burrow.Testing.TempDataDirectory(create: true);
        var keyPath = Path.Combine(data.Path, "account.key.pem");

        string firstAccount;
        using (var http = pebble.TrustingClient())
        using (var key = AcmeAccountKey.LoadOrCreate(keyPath, out var existed))
        using (var client = new AcmeClient(http, new Uri(pebble.DirectoryUrl), key, TimeProvider.System, NullLogger.Instance))
        {
            Assert.False(existed);
            firstAccount = await client.EnsureAccountAsync("ops@burrow.test", CancellationToken.None);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        using (var http = pebble.TrustingClient())
        using (var key = AcmeAccountKey.LoadOrCreate(keyPath, out var existed))
        using (var client = new AcmeClient(http, new Uri(pebble.DirectoryUrl), key, TimeProvider.System, NullLogger.Instance))
        {
            Assert.True(existed);
            Assert.Equal(firstAccount, await client.EnsureAccountAsync("ops@burrow.test", CancellationToken.None));
        }
    }

    private static Task WaitForCountAsync(AcmeTestBed bed, int eventId, int count)
        => bed.Host.Logs.WaitForCountAsync(eventId, count, TimeSpan.FromSeconds(30));
}
