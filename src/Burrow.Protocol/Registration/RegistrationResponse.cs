namespace Burrow.Protocol.Registration;

/// <summary>
/// Answer to a successful registration (201): the channel port, the one-time channel id and the fresh key (both
/// base64url), and for each name (in the order of <see cref="Names"/>) its public URL and the host the server puts in
/// OPEN for it. The key is secret: it only ever travels over this HTTPS answer. <see cref="Policies"/> is the visitor
/// policy the server enforces on each name, in words (<see cref="VisitorPolicyText"/>); a server that leaves it out
/// does not know visitor policies, and an agent that asked for one must not go online there.
/// </summary>
public sealed record RegistrationResponse(int Port, string Id, string Key, string Url, IReadOnlyList<string> Urls, IReadOnlyList<string> Names, IReadOnlyList<string>? Hosts = null, IReadOnlyList<string>? Policies = null);
