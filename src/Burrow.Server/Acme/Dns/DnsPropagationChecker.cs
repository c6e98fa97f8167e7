using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Dns;

/// <summary>
/// Waits until every server that will be asked (the configured check servers, the RFC 2136 primary, or the zone's
/// authoritative servers) answers the TXT value, so the CA is not told to validate before the record is visible
/// (RFC 8555, section 8.4 leaves this to the client). Checks every second, on the TimeProvider, up to a deadline.
/// </summary>
internal sealed partial class DnsPropagationChecker
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<DnsServerAddress> _configured;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DnsPropagationChecker(IReadOnlyList<DnsServerAddress> configured, TimeSpan timeout, TimeProvider time, ILogger logger)
    {
        _configured = configured;
        _timeout = timeout;
        _time = time;
        _logger = logger;
    }

    public async Task WaitAsync(IReadOnlyList<(string Fqdn, string Value)> records, CancellationToken cancellationToken)
    {
        var servers = _configured.Count > 0 ? _configured : await DiscoverAsync(records[0].Fqdn, cancellationToken);
        var started = _time.GetTimestamp();
        var missing = new List<string>();
        while (true)
        {
            missing.Clear();
            foreach (var server in servers)
            {
                using var client = DnsQueries.ClientFor(await server.ResolveAsync(cancellationToken), server.Port);
                foreach (var (fqdn, value) in records)
                {
                    IReadOnlyList<string> values;
                    try
                    {
                        values = await DnsQueries.TxtAsync(client, fqdn, cancellationToken);
                    }
                    catch (DnsProviderException)
                    {
                        values = [];
                    }

                    if (!values.Contains(value, StringComparer.Ordinal))
                    {
                        missing.Add($"{fqdn} at {server}");
                    }
                }
            }

            if (missing.Count == 0)
            {
                return;
            }

            if (_time.GetElapsedTime(started) > _timeout)
            {
                throw new DnsProviderException($"TXT record not visible after {_timeout.TotalSeconds:0} s: {string.Join(", ", missing)}");
            }

            Log.Waiting(_logger, string.Join(", ", missing));
            await Task.Delay(Interval, _time, cancellationToken);
        }
    }

    private static async Task<IReadOnlyList<DnsServerAddress>> DiscoverAsync(string fqdn, CancellationToken cancellationToken)
    {
        var resolver = DnsClient.Default;
        var zone = await DnsQueries.FindZoneAsync(resolver, fqdn, recursive: true, cancellationToken);
        return await DnsQueries.AuthoritativeServersAsync(resolver, zone, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(AcmeLogEventIds.DnsWaitingForPropagation, LogLevel.Debug, "DNS-01: waiting for {Missing}")]
        public static partial void Waiting(ILogger logger, string missing);
    }
}
