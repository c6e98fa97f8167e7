namespace Burrow.Server.Acme;

/// <summary>What became of an on-demand request.</summary>
internal enum OnDemandResult
{
    /// <summary>An order is queued.</summary>
    Queued,

    /// <summary>A certificate (or a wildcard, or an order in progress) already covers the name.</summary>
    AlreadyCovered,

    /// <summary>The user or the server reached its hourly limit; the visitor gets the base certificate for now.</summary>
    RateLimited,

    /// <summary>Not a single label under the domain, or on-demand is not the mode in use.</summary>
    NotEligible,
}
