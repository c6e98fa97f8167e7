namespace Burrow.Server.Acme.Dns;

/// <summary>Publishes and removes the DNS-01 TXT record <c>_acme-challenge.NAME</c> (RFC 8555, section 8.4).</summary>
internal interface IAcmeDnsProvider
{
    /// <summary>Adds <paramref name="value"/> to the TXT record set at <paramref name="fqdn"/> (other values stay: a wildcard and its base share the name).</summary>
    Task PresentAsync(string fqdn, string value, CancellationToken cancellationToken);

    /// <summary>Removes exactly <paramref name="value"/> from the TXT record set at <paramref name="fqdn"/>.</summary>
    Task CleanupAsync(string fqdn, string value, CancellationToken cancellationToken);

    /// <summary>Servers to ask before validation when none are configured; empty means "find the zone's authoritative servers".</summary>
    IReadOnlyList<DnsServerAddress> DefaultCheckServers { get; }
}
