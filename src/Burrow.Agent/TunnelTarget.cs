namespace Burrow.Agent;

/// <summary>One public name and the local server it forwards to. A null name lets the server pick a random one.</summary>
public sealed record TunnelTarget(string? Name, string LocalHost, int LocalPort)
{
    public string LocalAddress => $"{LocalHost}:{LocalPort}";
}
