namespace Burrow.Server.Limits;

/// <summary>
/// Budgets shared by the features that admit peers (docs/security.md lists every limit and what happens at it).
/// Configuration keys are the property names.
/// </summary>
public sealed class LimitOptions
{
    /// <summary>IPv6 clients are counted per network of this prefix length (default 64); IPv4 clients per address.</summary>
    public int IPv6PrefixLength { get; set; } = 64;

    /// <summary>
    /// Bytes all channels together may buffer for their streams (default: a quarter of the memory available to the
    /// process). Past it, new public requests get 503 and new streams are refused; open ones carry on.
    /// </summary>
    public long? MemoryBudget { get; set; }

    /// <summary>Public connections open at once, server-wide (default 10,000).</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Public connections open at once from one client network (default 256); trusted proxies are exempt.</summary>
    public int MaxConnectionsPerClient { get; set; } = 256;

        /// <summary>
    /// Public requests in flight at once to one user's tunnels, across their channels (default 256); past it, 503. Each
    /// costs the server about 250 KiB while its body moves (socket, request and copy buffers): bench/run.sh --hostile,
    /// 1,000 uploads to one user's agent that stopped reading, peaked at 359 MiB with 1,000 allowed (issue #10's target is
    /// 300). Raise it for a user whose site really serves hundreds of requests at the same moment.
    /// </summary>
    public int MaxRequestsPerUser { get; set; } = 256;

    /// <summary>The memory budget in bytes, with its default resolved.</summary>
    public long EffectiveMemoryBudget => MemoryBudget ?? Math.Max(64L * 1024 * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
}
