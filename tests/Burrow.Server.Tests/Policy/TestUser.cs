namespace Burrow.Server.Tests.Policy;

/// <summary>A user of <see cref="TestOidcProvider"/>; <paramref name="EmailVerified"/> null leaves the claim out.</summary>
internal sealed record TestUser(string Email, string Name, bool? EmailVerified = true);
