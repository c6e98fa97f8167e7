namespace Burrow.Protocol.Registration;

/// <summary>
/// Single sign-on through the server's provider <see cref="Provider"/>. Visitors whose e-mail address matches one of
/// <see cref="AllowEmails"/> (exact, or with <c>*</c> wildcards: <c>*@example.com</c>) or whose address is in one of
/// <see cref="AllowDomains"/> are admitted; with neither, every user the provider signs in is.
/// </summary>
public sealed record OidcRule(string? Provider, IReadOnlyList<string>? AllowEmails = null, IReadOnlyList<string>? AllowDomains = null);
