namespace Burrow.Server.Admin;

/// <summary>
/// The admin listener: metrics, the admin API and the dashboard, on a port of their own, separate from the public
/// edge. Configuration keys are the property names (flat).
/// </summary>
public sealed class AdminOptions
{
    /// <summary>Whether the admin listener runs (default true).</summary>
    public bool AdminEnabled { get; set; } = true;

    /// <summary>Its port (default 9090; 0 picks a free port).</summary>
    public int AdminPort { get; set; } = 9090;

    /// <summary>
    /// The address it listens on (default 127.0.0.1: only this machine). Another address needs
    /// <see cref="AdminHttps"/>, or <see cref="AdminAllowHttp"/> to accept admin tokens in clear.
    /// </summary>
    public string AdminListen { get; set; } = "127.0.0.1";

    /// <summary>Serve the admin listener over HTTPS with the server's certificate (default false).</summary>
    public bool AdminHttps { get; set; }

    /// <summary>Allow plain HTTP on an address other than loopback (default false: refused at start).</summary>
    public bool AdminAllowHttp { get; set; }

    /// <summary>Require an admin token for /metrics too (default false: Prometheus scrapes without one).</summary>
    public bool AdminMetricsToken { get; set; }
}
