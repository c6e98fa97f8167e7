using Burrow.Testing;
using Burrow.Server.Accounts;

namespace Burrow.Server.Tests.Accounts;

public sealed class AccountStoreUserTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();
    private readonly AccountStore _store;

    public AccountStoreUserTests()
    {
        _store = AccountStore.Open(_directory.Path);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Added_user_gets_a_token_that_authenticates()
    {
        var created = _store.AddUser("alice", maxTunnels: 3);

        var user = _store.Authenticate("alice", created.Token);

        Assert.NotNull(user);
        Assert.Equal("alice", user.UserName);
        Assert.Equal(created.TokenId, user.TokenId);
        Assert.Equal(3, user.MaxTunnels);
        Assert.Equal(_store.FindUser("alice")!.Id, user.UserId);
    }

    [Fact]
    public void Duplicate_user_is_rejected()
    {
        _store.AddUser("alice");

        var error = Assert.Throws<AccountException>(() => _store.AddUser("alice"));

        Assert.Contains("already exists", error.Message);
        Assert.Single(_store.ListUsers());
    }

    [Fact]
    public void User_names_differing_only_in_case_are_the_same_user()
    {
        var created = _store.AddUser("Alice");

        Assert.Equal("alice", created.UserName);
        Assert.Throws<AccountException>(() => _store.AddUser("ALICE"));
        Assert.NotNull(_store.FindUser("aLiCe"));
        Assert.NotNull(_store.Authenticate("ALICE", created.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-alice")]
    [InlineData("_alice")]
    [InlineData("alice smith")]
    [InlineData("alice.smith")]
    [InlineData("alice\n")]
    [InlineData("élise")]
    [InlineData("a23456789012345678901234567890123")]
    public void Invalid_user_name_is_rejected(string name)
    {
        var error = Assert.Throws<AccountException>(() => _store.AddUser(name));

        Assert.Contains("not a valid user name", error.Message);
        Assert.Empty(_store.ListUsers());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("alice_smith-2")]
    [InlineData("a2345678901234567890123456789012")]
    public void Valid_user_name_is_accepted(string name)
    {
        _store.AddUser(name);

        Assert.NotNull(_store.FindUser(name));
    }

    [Fact]
    public void Negative_tunnel_limit_is_rejected()
    {
        Assert.Throws<AccountException>(() => _store.AddUser("alice", maxTunnels: -1));
        Assert.Null(_store.FindUser("alice"));
    }

    [Fact]
    public void Listed_users_are_sorted_and_count_active_tokens_and_names()
    {
        _store.AddUser("bob", maxTunnels: 2);
        var alice = _store.AddUser("alice");
        _store.AddToken("alice", "laptop");
        _store.RevokeToken("alice", alice.TokenId);
        _store.ClaimNames(_store.FindUser("alice")!.Id, ["blog"], quota: 100);

        var users = _store.ListUsers();

        Assert.Equal(["alice", "bob"], users.Select(u => u.Name));
        Assert.Equal(1, users[0].TokenCount);
        Assert.Equal(1, users[0].NameCount);
        Assert.Equal(10, users[0].MaxTunnels);
        Assert.Equal(1, users[1].TokenCount);
        Assert.Equal(0, users[1].NameCount);
        Assert.Equal(2, users[1].MaxTunnels);
    }

    [Fact]
    public void Unknown_user_is_not_found()
    {
        Assert.Null(_store.FindUser("nobody"));
        Assert.False(_store.RemoveUser("nobody"));
    }

    [Fact]
    public void Removing_a_user_releases_its_names_and_kills_its_tokens()
    {
        var alice = _store.AddUser("alice");
        var second = _store.AddToken("alice", "ci");
        var aliceId = _store.FindUser("alice")!.Id;
        _store.ClaimNames(aliceId, ["blog"], quota: 100);
        _store.ClaimNames(aliceId, ["shop"], quota: 100);

        Assert.True(_store.RemoveUser("alice"));

        Assert.Null(_store.FindUser("alice"));
        Assert.Null(_store.Authenticate("alice", alice.Token));
        Assert.False(_store.IsTokenActive(alice.TokenId));
        Assert.False(_store.IsTokenActive(second.TokenId));
        Assert.Empty(_store.ListTokens("alice"));
        Assert.Empty(_store.ListNames());
        Assert.Equal(0, _store.CountNames(aliceId));

        _store.AddUser("bob");
        Assert.Equal(NameClaim.Claimed, _store.ClaimNames(_store.FindUser("bob")!.Id, ["blog"], quota: 100).Outcome);
    }

    [Fact]
    public void A_re_added_user_does_not_inherit_old_tokens()
    {
        var old = _store.AddUser("alice");
        _store.RemoveUser("alice");

        var fresh = _store.AddUser("alice");

        Assert.Null(_store.Authenticate("alice", old.Token));
        Assert.NotEqual(old.TokenId, fresh.TokenId);
        Assert.False(_store.IsTokenActive(old.TokenId));
        Assert.NotNull(_store.Authenticate("alice", fresh.Token));
    }
}
