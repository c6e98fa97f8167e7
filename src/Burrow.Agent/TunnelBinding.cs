namespace Burrow.Agent;

/// <summary>
/// A tunnel as the server assigned it: the public name, host and URL, the local target, and the visitor policy the
/// server enforces on it, in words.
/// </summary>
public sealed record TunnelBinding(string Name, string PublicHost, string PublicUrl, TunnelTarget Target, string Policy = Protocol.Registration.VisitorPolicyText.Open);
