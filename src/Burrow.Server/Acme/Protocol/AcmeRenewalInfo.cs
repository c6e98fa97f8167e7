namespace Burrow.Server.Acme.Protocol;

/// <summary>ACME Renewal Information (RFC 9773, section 4.2): the window in which the CA wants the certificate renewed.</summary>
internal sealed record AcmeRenewalInfo(AcmeRenewalWindow SuggestedWindow, string? ExplanationUrl)
{
    /// <summary>When to ask again (the Retry-After header of the answer; not part of the JSON).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
