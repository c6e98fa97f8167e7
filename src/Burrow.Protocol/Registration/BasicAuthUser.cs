namespace Burrow.Protocol.Registration;

/// <summary>One basic-auth user of a tunnel. The password travels only in the registration request (HTTPS).</summary>
public sealed record BasicAuthUser(string? User, string? Password);
