using System.Diagnostics.Metrics;

namespace Burrow.Server.Registration;

/// <summary>
/// Registration's instruments on the server meter: <c>burrow.registrations</c> {result} (ok, or the refusal's title
/// as a label: unauthorized, name_taken, tunnel_limit_reached, ...) and its share of <c>burrow.rate_limited</c>.
/// </summary>
internal sealed class RegistrationMetrics
{
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _rateLimited;

    public RegistrationMetrics(IMeterFactory meters)
    {
        // The factory owns the meters it creates and disposes them with the service provider.
#pragma warning disable CA2000
        var meter = meters.Create(ServerMeter.Name);
#pragma warning restore CA2000
        _registrations = meter.CreateCounter<long>("burrow.registrations", unit: "{registration}", description: "Tunnel registrations (POST /api/tunnels) by result.");
        _rateLimited = ServerMeter.CreateRateLimited(meter);
    }

    public void Completed(RegistrationResult result)
    {
        var label = result.Succeeded ? "ok" : (result.Title ?? "refused").ToLowerInvariant().Replace(' ', '_');
        _registrations.Add(1, new KeyValuePair<string, object?>("result", label));
        if (result.Status == 429)
        {
            _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", "registrations_per_user"));
        }
    }

    /// <summary>A client network registered too often (the endpoint's rate limiter, before the request is read).</summary>
    public void NetworkRateLimited()
    {
        _registrations.Add(1, new KeyValuePair<string, object?>("result", "too_many_requests"));
        _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", "registrations_per_network"));
    }
}
