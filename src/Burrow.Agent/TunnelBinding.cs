namespace Burrow.Agent;

/// <summary>A tunnel as the server assigned it: the public name, host and URL, and the local target.</summary>
public sealed record TunnelBinding(string Name, string PublicHost, string PublicUrl, TunnelTarget Target);
