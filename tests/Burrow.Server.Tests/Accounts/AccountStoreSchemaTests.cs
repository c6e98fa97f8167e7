using Burrow.Testing;
using Burrow.Server.Accounts;
using Microsoft.Data.Sqlite;

namespace Burrow.Server.Tests.Accounts;

public sealed class AccountStoreSchemaTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_creates_the_directory_and_database()
    {
        var nested = Path.Combine(_directory.Path, "deeper", "data");

        using var store = AccountStore.Open(nested);

        Assert.Equal(Path.Combine(Path.GetFullPath(nested), "burrow.db"), store.DatabasePath);
        Assert.True(File.Exists(store.DatabasePath));
        Assert.Empty(store.ListUsers());
    }

    [Fact]
    public void Reopening_the_store_keeps_users_tokens_and_names()
    {
        NewToken created;
        using (var store = AccountStore.Open(_directory.Path))
        {
            created = store.AddUser("alice", maxTunnels: 4);
            store.AddToken("alice", "laptop");
            store.ClaimNames(store.FindUser("alice")!.Id, ["blog"], quota: 100);
        }

        using var reopened = AccountStore.Open(_directory.Path);

        var user = reopened.Authenticate("alice", created.Token);
        Assert.NotNull(user);
        Assert.Equal(4, user.MaxTunnels);
        Assert.Equal(2, reopened.ListTokens("alice").Count);
        Assert.Equal("blog", Assert.Single(reopened.ListNames("alice")).Name);
        Assert.Equal(NameClaim.Claimed, reopened.ClaimNames(user.UserId, ["blog"], quota: 100).Outcome);
    }

    [Fact]
    public void Opening_an_existing_database_again_is_harmless()
    {
        using var first = AccountStore.Open(_directory.Path);
        first.AddUser("alice");

        using var second = AccountStore.Open(_directory.Path);

        Assert.Single(second.ListUsers());
        Assert.Equal(1L, QueryScalar(first.DatabasePath, "SELECT COUNT(*) FROM schema_version;"));
    }

    [Fact]
    public void Database_uses_write_ahead_logging()
    {
        using var store = AccountStore.Open(_directory.Path);

        Assert.Equal("wal", QueryScalar(store.DatabasePath, "PRAGMA journal_mode;"));
    }

    [Fact]
    public void Database_from_a_newer_version_is_refused()
    {
        string path;
        using (var store = AccountStore.Open(_directory.Path))
        {
            path = store.DatabasePath;
        }

        QueryScalar(path, "INSERT INTO schema_version (version) VALUES (99);");

        var error = Assert.Throws<AccountException>(() => AccountStore.Open(_directory.Path));
        Assert.Contains("upgrade Burrow", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Disposed_store_refuses_further_use()
    {
        var store = AccountStore.Open(_directory.Path);
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.ListUsers());
    }

    private static object? QueryScalar(string databasePath, string sql)
    {
        // No pooling: the connection must really close so the test directory can be deleted afterwards.
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
