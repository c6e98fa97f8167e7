using Burrow.Server.Accounts;

namespace Burrow.Accounts;

/// <summary>The accounts in the SQLite file of a data directory on this machine (the server may be running: WAL).</summary>
internal sealed class LocalAccounts : IAccounts
{
    private readonly AccountStore _store;

    public LocalAccounts(string dataDirectory)
    {
        _store = AccountStore.Open(dataDirectory);
    }

    public Task<NewToken> AddUserAsync(string name, int maxTunnels, int? maxNames, CancellationToken cancellationToken)
        => Task.FromResult(_store.AddUser(name, maxTunnels, maxNames));

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) => Task.FromResult(_store.ListUsers());

    public Task RemoveUserAsync(string name, CancellationToken cancellationToken)
        => _store.RemoveUser(name) ? Task.CompletedTask : throw new AccountException($"No user named '{name}'.");

    public Task<NewToken> AddTokenAsync(string user, string label, CancellationToken cancellationToken) => Task.FromResult(_store.AddToken(user, label));

    public Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string user, CancellationToken cancellationToken)
        => _store.FindUser(user) is null ? throw new AccountException($"No user named '{user}'.") : Task.FromResult(_store.ListTokens(user));

    public Task RevokeTokenAsync(string user, long id, CancellationToken cancellationToken)
        => _store.RevokeToken(user, id) ? Task.CompletedTask : throw new AccountException($"{user} has no active token {id}.");

    public Task<IReadOnlyList<NameRecord>> ListNamesAsync(string? user, CancellationToken cancellationToken) => Task.FromResult(_store.ListNames(user));

    public Task ReleaseNameAsync(string name, CancellationToken cancellationToken)
        => _store.ReleaseName(name) ? Task.CompletedTask : throw new AccountException($"No one holds the name '{name}'.");

    public void Dispose() => _store.Dispose();
}
