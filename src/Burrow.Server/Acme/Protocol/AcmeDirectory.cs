namespace Burrow.Server.Acme.Protocol;

/// <summary>The CA's directory (RFC 8555, section 7.1.1); <see cref="RenewalInfo"/> is present when it offers ARI (RFC 9773).</summary>
internal sealed record AcmeDirectory(string NewNonce, string NewAccount, string NewOrder, string? RenewalInfo);
