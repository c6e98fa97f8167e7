namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>Who signed in, with which provider, until when: what a tunnel's session cookie and a hand-off ticket carry.</summary>
internal sealed record SignOnSession(string Provider, string Email, string Name, DateTimeOffset ExpiresAt);
