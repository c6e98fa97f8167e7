using Burrow.Testing;
using Burrow.Server.Accounts;

namespace Burrow.Server.Tests.Accounts;

public sealed class AccountStoreNameTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();
    private readonly AccountStore _store;

    public AccountStoreNameTests()
    {
        _store = AccountStore.Open(_directory.Path);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Free_name_is_claimed_and_stays_with_its_owner()
    {
        var alice = AddUser("alice");

        Assert.Equal(NameClaim.Claimed, _store.ClaimName(alice, "blog"));
        Assert.Equal(NameClaim.AlreadyYours, _store.ClaimName(alice, "blog"));

        var name = Assert.Single(_store.ListNames());
        Assert.Equal("blog", name.Name);
        Assert.Equal("alice", name.UserName);
        Assert.Equal(1, _store.CountNames(alice));
    }

    [Fact]
    public void Name_owned_by_another_user_cannot_be_claimed()
    {
        var alice = AddUser("alice");
        var bob = AddUser("bob");
        _store.ClaimName(alice, "blog");

        Assert.Equal(NameClaim.OwnedByOther, _store.ClaimName(bob, "blog"));
        Assert.Equal(NameClaim.OwnedByOther, _store.ClaimName(bob, "BLOG"));

        Assert.Equal("alice", Assert.Single(_store.ListNames()).UserName);
        Assert.Equal(0, _store.CountNames(bob));
    }

    [Fact]
    public void Released_name_can_be_claimed_by_anyone()
    {
        var alice = AddUser("alice");
        var bob = AddUser("bob");
        _store.ClaimName(alice, "blog");

        Assert.True(_store.ReleaseName("blog"));
        Assert.False(_store.ReleaseName("blog"));

        Assert.Equal(0, _store.CountNames(alice));
        Assert.Equal(NameClaim.Claimed, _store.ClaimName(bob, "blog"));
        Assert.Equal("bob", Assert.Single(_store.ListNames()).UserName);
    }

    [Fact]
    public void Names_are_listed_per_user_and_counted()
    {
        var alice = AddUser("alice");
        var bob = AddUser("bob");
        _store.ClaimName(alice, "shop");
        _store.ClaimName(alice, "blog");
        _store.ClaimName(bob, "api");

        Assert.Equal(["api", "blog", "shop"], _store.ListNames().Select(n => n.Name));
        Assert.Equal(["blog", "shop"], _store.ListNames("Alice").Select(n => n.Name));
        Assert.Empty(_store.ListNames("nobody"));
        Assert.Equal(2, _store.CountNames(alice));
        Assert.Equal(1, _store.CountNames(bob));
    }

    [Fact]
    public void Claiming_for_a_removed_user_is_rejected()
    {
        var alice = AddUser("alice");
        _store.RemoveUser("alice");

        Assert.Throws<AccountException>(() => _store.ClaimName(alice, "blog"));
        Assert.Empty(_store.ListNames());
    }

    [Fact]
    public async Task Concurrent_claims_of_one_name_have_exactly_one_winner()
    {
        var users = Enumerable.Range(0, 8).Select(i => AddUser($"user{i}")).ToArray();
        using var start = new ManualResetEventSlim();

        var claims = users
            .Select(userId => Task.Run(() =>
            {
                start.Wait();
                return (UserId: userId, Result: _store.ClaimName(userId, "contested"));
            }))
            .ToArray();
        start.Set();
        var results = await Task.WhenAll(claims);

        var winner = Assert.Single(results, r => r.Result == NameClaim.Claimed);
        Assert.Equal(7, results.Count(r => r.Result == NameClaim.OwnedByOther));
        Assert.Equal($"user{Array.IndexOf(users, winner.UserId)}", Assert.Single(_store.ListNames()).UserName);
    }

    private long AddUser(string name)
    {
        _store.AddUser(name);
        return _store.FindUser(name)!.Id;
    }
}
