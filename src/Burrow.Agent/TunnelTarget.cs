using Burrow.Protocol.Registration;

namespace Burrow.Agent;

/// <summary>
/// One public name and the local server it forwards to. A null name lets the server pick a random one. With a
/// <paramref name="HealthCheckPath"/> the agent probes the local server and tells the server when it stops serving.
/// <paramref name="Policy"/> is who may visit and the header rules, sent at registration and enforced by the server.
/// </summary>
public sealed record TunnelTarget(string? Name, string LocalHost, int LocalPort, string? HealthCheckPath = null, VisitorPolicy? Policy = null)
{
    public string LocalAddress => $"{LocalHost}:{LocalPort}";
}
