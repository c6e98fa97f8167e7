using System.Diagnostics.Metrics;
using Burrow.Server.Acme.Certificates;

namespace Burrow.Server.Acme;

/// <summary>
/// Instruments on the "Burrow.Server" meter: <c>burrow.certificate.expiry</c> (seconds until each served certificate
/// expires, tag host) and <c>burrow.acme.orders</c> (orders by result: issued, failed, rate_limited).
/// </summary>
internal sealed class AcmeMetrics
{
    private readonly Counter<long> _orders;

    public AcmeMetrics(IMeterFactory meters, AcmeCertificateSelector selector, TimeProvider time)
    {
        // The factory owns the meters it creates and disposes them with the service provider.
#pragma warning disable CA2000
        var meter = meters.Create("Burrow.Server");
#pragma warning restore CA2000
        _orders = meter.CreateCounter<long>("burrow.acme.orders", unit: "{order}", description: "ACME certificate orders by result.");
        meter.CreateObservableGauge(
            "burrow.certificate.expiry",
            () => selector.All.Select(c => new Measurement<double>((c.NotAfter - time.GetUtcNow()).TotalSeconds, new KeyValuePair<string, object?>("host", c.Names[0]))),
            unit: "s",
            description: "Seconds until each served ACME certificate expires.");
    }

    public void OrderCompleted(string result) => _orders.Add(1, new KeyValuePair<string, object?>("result", result));
}
