using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;

namespace Burrow.Server.Acme.Dns;

/// <summary>
/// DNS-01 through RFC 2136 dynamic updates to the zone's primary server, signed with TSIG (RFC 8945) when a key is
/// given: BIND, Knot, PowerDNS and most self-hosted DNS accept these. The zone is found by asking the primary for SOAs.
/// </summary>
internal sealed class Rfc2136DnsProvider : IAcmeDnsProvider
{
    private const int Ttl = 60;

    private readonly DnsServerAddress _primary;
    private readonly TsigKey? _key;
    private readonly TimeProvider _time;

    public Rfc2136DnsProvider(DnsServerAddress primary, TsigKey? key, TimeProvider time)
    {
        _primary = primary;
        _key = key;
        _time = time;
    }

    public IReadOnlyList<DnsServerAddress> DefaultCheckServers => [_primary];

    public Task PresentAsync(string fqdn, string value, CancellationToken cancellationToken) =>
        UpdateAsync(fqdn, name => new AddRecordUpdate(new TxtRecord(name, Ttl, value)), cancellationToken);

    public Task CleanupAsync(string fqdn, string value, CancellationToken cancellationToken) =>
        UpdateAsync(fqdn, name => new DeleteRecordUpdate(new TxtRecord(name, 0, value)), cancellationToken);

    private async Task UpdateAsync(string fqdn, Func<DomainName, UpdateBase> update, CancellationToken cancellationToken)
    {
        var addresses = await _primary.ResolveAsync(cancellationToken);
        using var client = DnsQueries.ClientFor(addresses, _primary.Port);
        DnsUpdateMessage? response;
        try
        {
            var zone = await DnsQueries.FindZoneAsync(client, fqdn, recursive: false, cancellationToken);
            var message = new DnsUpdateMessage { ZoneName = zone };
            message.Updates.Add(update(DomainName.Parse(fqdn)));
            if (_key is not null)
            {
                message.TSigOptions = new TSigRecord(_key.Name, _key.Algorithm, _time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5), message.TransactionID, ReturnCode.NoError, null, _key.Secret);
            }

            response = await client.SendUpdateAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or DnsProviderException))
        {
            throw new DnsProviderException($"dynamic update at {_primary} failed: {ex.Message}", ex);
        }

        if (response is null)
        {
            throw new DnsProviderException($"dynamic update at {_primary}: no answer");
        }

        if (response.ReturnCode != ReturnCode.NoError)
        {
            throw new DnsProviderException($"dynamic update at {_primary} refused: {response.ReturnCode}{(response.TSigOptions is { Error: not ReturnCode.NoError } tsig ? $" (TSIG {tsig.Error})" : string.Empty)}");
        }
    }
}
