namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// A sign-in a tunnel started, carried (protected) to the base domain's login path: which provider, for which tunnel
/// (its canonical host, and the origin the visitor used), where to return after, and the hash of the browser's
/// binding cookie (<see cref="SignOnPaths.BindingCookieName"/>).
/// </summary>
internal sealed record SignOnRequest(string Provider, string Host, string Origin, string ReturnPath, DateTimeOffset ExpiresAt, string Binding);
