namespace Burrow.Server.Tests.Policy;

/// <summary>One <see cref="TestOidcProvider"/> for a test class (its keys and its first requests are the slow part).</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    internal TestOidcProvider Provider { get; private set; } = null!;

    public async Task InitializeAsync() => Provider = await TestOidcProvider.StartAsync();

    public async Task DisposeAsync() => await Provider.DisposeAsync();
}
