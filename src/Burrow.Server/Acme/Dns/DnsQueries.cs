using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Burrow.Server.Acme.Dns;

/// <summary>The few DNS questions DNS-01 needs, asked of one server directly (UDP, TCP on truncation), no recursion.</summary>
internal static class DnsQueries
{
    private const int TimeoutMilliseconds = 5000;

    /// <summary>A client for one server; disposing it disposes its transports (ARSoft's DnsClient owns them).</summary>
    public static DnsClient ClientFor(IReadOnlyList<IPAddress> addresses, int port)
    {
#pragma warning disable CA2000 // The transports belong to the client built here, which its caller disposes.
        return new(addresses, [new UdpClientTransport(port), new TcpClientTransport(port)], false, TimeoutMilliseconds);
#pragma warning restore CA2000
    }

    /// <summary>The TXT values at <paramref name="name"/> as <paramref name="server"/> answers them now.</summary>
    public static async Task<IReadOnlyList<string>> TxtAsync(DnsClient server, string name, CancellationToken cancellationToken)
    {
        var answer = await server.ResolveAsync(DomainName.Parse(name), RecordType.Txt, RecordClass.INet, new DnsQueryOptions { IsRecursionDesired = false }, cancellationToken);
        if (answer is null)
        {
            throw new DnsProviderException($"no answer for TXT {name}");
        }

        return [.. answer.AnswerRecords.OfType<TxtRecord>().Select(r => string.Concat(r.TextParts))];
    }

    /// <summary>
    /// The zone holding <paramref name="name"/>: the closest enclosing name for which <paramref name="server"/> has an
    /// SOA, asked label by label upwards (RFC 2136 updates must name the zone).
    /// </summary>
    public static async Task<DomainName> FindZoneAsync(DnsClient server, string name, bool recursive, CancellationToken cancellationToken)
    {
        var candidate = DomainName.Parse(name);
        while (candidate.LabelCount > 0)
        {
            var answer = await server.ResolveAsync(candidate, RecordType.Soa, RecordClass.INet, new DnsQueryOptions { IsRecursionDesired = recursive }, cancellationToken);
            if (answer is not null && answer.ReturnCode == ReturnCode.NoError && answer.AnswerRecords.OfType<SoaRecord>().Any(r => r.Name.Equals(candidate)))
            {
                return candidate;
            }

            candidate = candidate.GetParentName();
        }

        throw new DnsProviderException($"no DNS zone found for {name}");
    }

    /// <summary>The zone's name servers and their addresses, through a recursive resolver.</summary>
    public static async Task<IReadOnlyList<DnsServerAddress>> AuthoritativeServersAsync(DnsClient resolver, DomainName zone, CancellationToken cancellationToken)
    {
        var answer = await resolver.ResolveAsync(zone, RecordType.Ns, RecordClass.INet, new DnsQueryOptions { IsRecursionDesired = true }, cancellationToken);
        var servers = new List<DnsServerAddress>();
        foreach (var ns in answer?.AnswerRecords.OfType<NsRecord>() ?? [])
        {
            foreach (var type in new[] { RecordType.A, RecordType.Aaaa })
            {
                var addresses = await resolver.ResolveAsync(ns.NameServer, type, RecordClass.INet, new DnsQueryOptions { IsRecursionDesired = true }, cancellationToken);
                foreach (var record in addresses?.AnswerRecords ?? [])
                {
                    var ip = record switch { ARecord a => a.Address, AaaaRecord aaaa => aaaa.Address, _ => null };
                    if (ip is not null)
                    {
                        servers.Add(new DnsServerAddress(ip.ToString(), 53));
                    }
                }
            }
        }

        return servers.Count > 0 ? servers : throw new DnsProviderException($"no authoritative name servers found for {zone}");
    }
}
