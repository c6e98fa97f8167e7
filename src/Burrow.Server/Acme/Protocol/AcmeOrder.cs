namespace Burrow.Server.Acme.Protocol;

/// <summary>An order (RFC 8555, section 7.1.3).</summary>
internal sealed record AcmeOrder(string Status, List<AcmeIdentifier> Identifiers, List<string> Authorizations, string Finalize, string? Certificate, AcmeProblem? Error)
{
    /// <summary>The order's URL, from the Location header of newOrder (not part of the JSON).</summary>
    public string? Url { get; init; }
}
