namespace Burrow.Server.Naming;

/// <summary>The base domain tunnels live under, and how their public URLs are written. Configuration keys are the property names.</summary>
public sealed class NamingOptions
{
    /// <summary>The base domain (default "localhost"). Tunnels are served at NAME.Domain; the API at Domain itself.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Port written into public URLs, when a load balancer or NAT maps another one (default: the bound port).</summary>
    public int? PublicPort { get; set; }
}
