namespace Burrow.Agent;

/// <summary>
/// One public name and the local server it forwards to. A null name lets the server pick a random one. With a
/// <paramref name="HealthCheckPath"/> the agent probes the local server and tells the server when it stops serving.
/// </summary>
public sealed record TunnelTarget(string? Name, string LocalHost, int LocalPort, string? HealthCheckPath = null)
{
    public string LocalAddress => $"{LocalHost}:{LocalPort}";
}
