using System.Security.Cryptography;
using System.Text;
using Burrow.Server.Accounts;
using Burrow.Testing;
using Microsoft.Data.Sqlite;

namespace Burrow.Server.Tests.Accounts;

public sealed class AccountStoreAdminTokenTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Admin_token_is_stored_only_as_its_hash_and_authenticates_until_revoked()
    {
        using var store = AccountStore.Open(_directory.Path);
        var created = store.AddAdminToken("ops");

        Assert.StartsWith("brwa_", created.Token, StringComparison.Ordinal);
        Assert.Equal(new AdminCredential(AdminCredentialKind.Admin, created.TokenId), store.AuthenticateAdmin(created.Token));
        var stored = (byte[])Query(store.DatabasePath, "SELECT hash FROM admin_tokens")!;
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Token)), stored);
        Assert.DoesNotContain(created.Token, File.ReadAllText(store.DatabasePath + "-wal", Encoding.Latin1), StringComparison.Ordinal);
        var listed = Assert.Single(store.ListAdminTokens());
        Assert.Equal("ops", listed.Label);
        Assert.NotNull(listed.LastUsedAt);

        Assert.True(store.RevokeAdminToken(created.TokenId));
        Assert.False(store.RevokeAdminToken(created.TokenId));
        Assert.Equal(AdminCredentialKind.None, store.AuthenticateAdmin(created.Token).Kind);
        Assert.True(Assert.Single(store.ListAdminTokens()).Revoked);
    }

    [Fact]
    public void A_user_token_is_recognised_as_one_but_is_no_admin_token()
    {
        using var store = AccountStore.Open(_directory.Path);
        var user = store.AddUser("alice");
        store.AddAdminToken("ops");

        Assert.Equal(AdminCredentialKind.User, store.AuthenticateAdmin(user.Token).Kind);
        Assert.Equal(AdminCredentialKind.None, store.AuthenticateAdmin("brw_not-a-token").Kind);
        Assert.Equal(AdminCredentialKind.None, store.AuthenticateAdmin(string.Empty).Kind);
    }

    [Fact]
    public void Bad_labels_are_refused()
    {
        using var store = AccountStore.Open(_directory.Path);

        Assert.Throws<AccountException>(() => store.AddAdminToken(" "));
        Assert.Throws<AccountException>(() => store.AddAdminToken("line\nbreak"));
        Assert.Throws<AccountException>(() => store.AddAdminToken(new string('x', 65)));
    }

    [Fact]
    public void A_version_2_database_is_migrated_and_keeps_its_users()
    {
        string path;
        NewToken user;
        using (var store = AccountStore.Open(_directory.Path))
        {
            path = store.DatabasePath;
            user = store.AddUser("alice");
        }

        SqliteConnection.ClearAllPools();
        Query(path, "DROP TABLE admin_tokens; DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (2);");

        using var migrated = AccountStore.Open(_directory.Path);

        Assert.NotNull(migrated.Authenticate("alice", user.Token));
        var admin = migrated.AddAdminToken("after upgrade");
        Assert.Equal(AdminCredentialKind.Admin, migrated.AuthenticateAdmin(admin.Token).Kind);
        Assert.Equal(3L, Query(path, "SELECT MAX(version) FROM schema_version"));
    }

    private static object? Query(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
