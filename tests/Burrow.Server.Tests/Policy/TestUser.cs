namespace Burrow.Server.Tests.Policy;

/// <summary>A user of <see cref="TestOidcProvider"/>.</summary>
internal sealed record TestUser(string Email, string Name);
