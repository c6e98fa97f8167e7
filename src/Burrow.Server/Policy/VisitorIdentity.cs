namespace Burrow.Server.Policy;

/// <summary>
/// Who the edge let in, as a request feature: the local server receives it as X-Burrow-User-Email and
/// X-Burrow-User-Name (the basic-auth user's name, or the single sign-on user's e-mail address and name).
/// </summary>
internal sealed record VisitorIdentity(string? Email, string? Name);
