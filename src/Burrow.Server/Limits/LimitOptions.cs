namespace Burrow.Server.Limits;

/// <summary>
/// Budgets shared by the features that admit peers (docs/security.md lists every limit and what happens at it).
/// Configuration keys are the property names.
/// </summary>
public sealed class LimitOptions
{
    /// <summary>IPv6 clients are counted per network of this prefix length (default 64); IPv4 clients per address.</summary>
    public int IPv6PrefixLength { get; set; } = 64;
}
