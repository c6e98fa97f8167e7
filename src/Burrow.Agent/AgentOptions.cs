using Burrow.Agent.Connection;
using Burrow.Protocol.Mux;

namespace Burrow.Agent;

/// <summary>What the agent needs: which server, whose credentials, which tunnels, and how hard to retry.</summary>
public sealed class AgentOptions
{
    /// <summary>The server's base URL, e.g. https://example.com or http://localhost:8080 (required).</summary>
    public Uri? Server { get; set; }

    /// <summary>User name (required).</summary>
    public string? User { get; set; }

    /// <summary>The user's token (required; never logged).</summary>
    public string? Token { get; set; }

    /// <summary>Tunnels served over the one channel (at least one).</summary>
    public List<TunnelTarget> Tunnels { get; set; } = [];

    /// <summary>Accept any server certificate (for a development server with a self-signed certificate).</summary>
    public bool Insecure { get; set; }

    /// <summary>
    /// Allow plain http:// to a server that is not on this machine (<c>--allow-http</c>; default false). Without it the
    /// agent refuses: the token and the channel key would cross the network in clear.
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary>PEM file of a CA to trust for the server's certificate, besides the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>First reconnect delay (default 0.5 s); doubles per failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay (default 30 s).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up if the server was never reached within this long (default 1 minute); once online, retry forever.</summary>
    public TimeSpan GiveUpIfNeverConnected { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Timeout for connecting to a local server (default 5 s).</summary>
    public TimeSpan LocalConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Join the agents already serving these names (requests are balanced across them) instead of replacing them
    /// (<c>--pool</c>).
    /// </summary>
    public bool Pool { get; set; }

    /// <summary>How often local servers with a health-check path are probed (default 5 s).</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long in-flight requests get to finish after Ctrl-C (default 10 s); a second Ctrl-C cuts it short.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Channel multiplexing limits. The agent lets a stream run 256 KiB ahead of the channel (the server keeps 64 KiB:
    /// what it buffers is what strangers upload): a download's copy loop then keeps writing while the writer loop seals,
    /// so records leave full (issue #16: with 64 KiB the average send to the server was 32 KB).
    /// </summary>
    public MuxOptions Mux { get; set; } = new() { StreamSendBufferSize = 256 * 1024 };

    /// <summary>Throws <see cref="AgentException"/> with <see cref="AgentExitCode.ConfigError"/> naming the first bad setting.</summary>
    public AgentOptions Validate()
    {
        Check(Server is { IsAbsoluteUri: true } && (Server.Scheme == Uri.UriSchemeHttp || Server.Scheme == Uri.UriSchemeHttps), "--server must be an http:// or https:// URL (or set BURROW_SERVER, or run 'burrow login')");
        if (!AllowHttp && !ServerUrlPolicy.IsSafe(Server!))
        {
            throw new AgentException(AgentExitCode.ConfigError, ServerUrlPolicy.Refusal(Server!));
        }

        Check(!string.IsNullOrWhiteSpace(User), "--user is required (or BURROW_USER, or 'burrow login')");
        Check(!string.IsNullOrWhiteSpace(Token), "--token is required (or BURROW_TOKEN, or 'burrow login')");
        Check(Tunnels.Count > 0, "at least one tunnel is required");
        foreach (var tunnel in Tunnels)
        {
            Check(tunnel.LocalPort is >= 1 and <= 65535, $"local port {tunnel.LocalPort} is not a port (1-65535)");
            Check(!string.IsNullOrWhiteSpace(tunnel.LocalHost), "local host must not be empty");
            Check(tunnel.HealthCheckPath is null || tunnel.HealthCheckPath.StartsWith('/'), $"--health-check '{tunnel.HealthCheckPath}' must be a path starting with /");
        }

        Check(Tunnels.Count(t => t.Name is null) <= 1, "only one tunnel may go without a name");
        Check(CaFile is null || File.Exists(CaFile), $"--ca file '{CaFile}' does not exist");
        Check(HealthCheckInterval > TimeSpan.Zero, "--health-interval must be positive");
        Check(DrainTimeout >= TimeSpan.Zero, "--drain-timeout must not be negative");
        try
        {
            Mux.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new AgentException(AgentExitCode.ConfigError, ex.Message);
        }

        return this;
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new AgentException(AgentExitCode.ConfigError, message);
        }
    }
}
