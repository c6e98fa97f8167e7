namespace Burrow.Protocol.Registration;

/// <summary>
/// Who may visit one tunnel and what the edge changes on the way, as the agent asks for it at registration
/// (docs/protocol.md, "Visitor policy"). The server validates it, keeps only hashes of the passwords, and enforces it
/// before it opens a stream to the agent.
/// </summary>
/// <param name="BasicAuth">Users who may visit with HTTP basic authentication (RFC 7617).</param>
/// <param name="AllowIps">Networks (CIDR, IPv4 or IPv6) visitors must come from; empty or null allows every address.</param>
/// <param name="DenyIps">Networks refused, whatever the allow list says.</param>
/// <param name="Oidc">Single sign-on through one of the server's OpenID Connect providers.</param>
/// <param name="RequestHeaders">Headers changed on requests to the local server.</param>
/// <param name="ResponseHeaders">Headers changed on responses to the visitor.</param>
/// <param name="HostHeader">The Host the local server receives (e.g. "localhost:3000"); null keeps the public host.</param>
public sealed record VisitorPolicy(
    IReadOnlyList<BasicAuthUser>? BasicAuth = null,
    IReadOnlyList<string>? AllowIps = null,
    IReadOnlyList<string>? DenyIps = null,
    OidcRule? Oidc = null,
    HeaderRules? RequestHeaders = null,
    HeaderRules? ResponseHeaders = null,
    string? HostHeader = null);
