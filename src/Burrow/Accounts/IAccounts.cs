using Burrow.Server.Accounts;

namespace Burrow.Accounts;

/// <summary>
/// What <c>burrow user|token|name</c> do, wherever the accounts are: in the SQLite file on this machine
/// (<see cref="LocalAccounts"/>), or on a running server through its admin API (<see cref="RemoteAccounts"/>).
/// Refusals are <see cref="AccountException"/>s worded for the person at the terminal.
/// </summary>
internal interface IAccounts : IDisposable
{
    Task<NewToken> AddUserAsync(string name, int maxTunnels, int? maxNames, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Throws when there is no such user.</summary>
    Task RemoveUserAsync(string name, CancellationToken cancellationToken);

    Task<NewToken> AddTokenAsync(string user, string label, CancellationToken cancellationToken);

    /// <summary>Throws when there is no such user.</summary>
    Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string user, CancellationToken cancellationToken);

    /// <summary>Throws when the user has no such active token.</summary>
    Task RevokeTokenAsync(string user, long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<NameRecord>> ListNamesAsync(string? user, CancellationToken cancellationToken);

    /// <summary>Throws when no one holds the name.</summary>
    Task ReleaseNameAsync(string name, CancellationToken cancellationToken);
}
