namespace Burrow.Protocol.Registration;

/// <summary>
/// Body of <c>POST /api/tunnels</c> (docs/protocol.md, "Registration"). <see cref="Domain"/> is the full public host
/// ("demo.example.com") or just the name ("demo"); omitted, the server picks a free random name.
/// <see cref="Domains"/> registers several names on one channel.
/// </summary>
public sealed record RegistrationRequest(string? Username, string? Domain, IReadOnlyList<string>? Domains = null);
