namespace Burrow.Protocol.Registration;

/// <summary>
/// Body of <c>POST /api/tunnels</c> (docs/protocol.md, "Registration"). <see cref="Domain"/> is the full public host
/// ("demo.example.com") or just the name ("demo"); omitted, the server picks a free random name.
/// <see cref="Domains"/> registers several names on one channel. With <see cref="Pool"/> the channel joins the agents
/// already serving its names (requests are balanced across them) instead of replacing them.
/// <see cref="Policies"/> says who may visit each name: entry i is the policy of name i (of <see cref="Domains"/>, or
/// of <see cref="Domain"/> or the random name as the only one); a missing or null entry leaves that name open.
/// </summary>
public sealed record RegistrationRequest(string? Username, string? Domain, IReadOnlyList<string>? Domains = null, bool Pool = false, IReadOnlyList<VisitorPolicy?>? Policies = null);
