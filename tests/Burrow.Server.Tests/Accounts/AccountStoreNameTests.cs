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

        Assert.Equal(NameClaim.Claimed, _store.ClaimNames(alice, ["blog"], quota: 100).Outcome);
        Assert.Equal(NameClaim.Claimed, _store.ClaimNames(alice, ["blog"], quota: 100).Outcome);

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
        _store.ClaimNames(alice, ["blog"], quota: 100);

        Assert.Equal(NameClaim.OwnedByOther, _store.ClaimNames(bob, ["blog"], quota: 100).Outcome);
        Assert.Equal(NameClaim.OwnedByOther, _store.ClaimNames(bob, ["BLOG"], quota: 100).Outcome);

        Assert.Equal("alice", Assert.Single(_store.ListNames()).UserName);
        Assert.Equal(0, _store.CountNames(bob));
    }

    [Fact]
    public void Released_name_can_be_claimed_by_anyone()
    {
        var alice = AddUser("alice");
        var bob = AddUser("bob");
        _store.ClaimNames(alice, ["blog"], quota: 100);

        Assert.True(_store.ReleaseName("blog"));
        Assert.False(_store.ReleaseName("blog"));

        Assert.Equal(0, _store.CountNames(alice));
        Assert.Equal(NameClaim.Claimed, _store.ClaimNames(bob, ["blog"], quota: 100).Outcome);
        Assert.Equal("bob", Assert.Single(_store.ListNames()).UserName);
    }

    [Fact]
    public void Names_are_listed_per_user_and_counted()
    {
        var alice = AddUser("alice");
        var bob = AddUser("bob");
        _store.ClaimNames(alice, ["shop"], quota: 100);
        _store.ClaimNames(alice, ["blog"], quota: 100);
        _store.ClaimNames(bob, ["api"], quota: 100);

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

        Assert.Throws<AccountException>(() => _store.ClaimNames(alice, ["blog"], quota: 100));
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
                return (UserId: userId, Result: _store.ClaimNames(userId, ["contested"], quota: 100).Outcome);
            }))
            .ToArray();
        start.Set();
        var results = await Task.WhenAll(claims);

        var winner = Assert.Single(results, r => r.Result == NameClaim.Claimed);
        Assert.Equal(7, results.Count(r => r.Result == NameClaim.OwnedByOther));
        Assert.Equal($"user{Array.IndexOf(users, winner.UserId)}", Assert.Single(_store.ListNames()).UserName);
    }

    [Fact]
    public void A_set_of_names_is_claimed_whole_or_not_at_all()
    {
        var alice = AddUser("alice");
        var bob = AddUser("bob");
        _store.ClaimNames(bob, ["api"], quota: 100);

        var refused = _store.ClaimNames(alice, ["web", "api", "docs"], quota: 100);

        Assert.Equal(NameClaim.OwnedByOther, refused.Outcome);
        Assert.Equal("api", refused.ConflictingName);
        Assert.Empty(_store.ListNames("alice"));
    }

    [Fact]
    public void Names_past_the_quota_are_refused_and_none_is_claimed()
    {
        var alice = AddUser("alice");
        _store.ClaimNames(alice, ["one", "two"], quota: 3);

        var refused = _store.ClaimNames(alice, ["three", "four"], quota: 3);

        Assert.Equal(NameClaim.OverQuota, refused.Outcome);
        Assert.Equal((2, 3), (refused.Held, refused.Quota));
        Assert.Equal(["one", "two"], _store.ListNames("alice").Select(n => n.Name));

        // Names already held do not count again: re-registering them is always possible.
        Assert.Equal(NameClaim.Claimed, _store.ClaimNames(alice, ["one", "two"], quota: 2).Outcome);
    }

    [Fact]
    public void Names_unused_since_the_cutoff_are_released_and_used_ones_kept()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var directory = new TempDataDirectory();
        using var store = AccountStore.Open(directory.Path, time);
        store.AddUser("alice");
        var alice = store.FindUser("alice")!.Id;
        store.ClaimNames(alice, ["old", "busy"], quota: 10);
        time.Advance(TimeSpan.FromDays(60));
        store.TouchNames(["busy"]);
        time.Advance(TimeSpan.FromDays(40));

        var released = store.ReleaseNamesUnusedSince(time.GetUtcNow() - TimeSpan.FromDays(90));

        Assert.Equal(["old"], released);
        var kept = Assert.Single(store.ListNames());
        Assert.Equal("busy", kept.Name);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromDays(40), kept.LastUsedAt);
    }

    private long AddUser(string name)
    {
        _store.AddUser(name);
        return _store.FindUser(name)!.Id;
    }
}
