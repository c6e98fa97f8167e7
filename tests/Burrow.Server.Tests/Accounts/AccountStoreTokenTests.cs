using Burrow.Testing;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Burrow.Server.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Accounts;

public sealed class AccountStoreTokenTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly AccountStore _store;

    public AccountStoreTokenTests()
    {
        _store = AccountStore.Open(_directory.Path, _time);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Token_is_brw_prefix_and_base64url_of_32_bytes()
    {
        var created = _store.AddUser("alice");

        Assert.StartsWith("brw_", created.Token);
        Assert.Equal(32, Base64Url.DecodeFromChars(created.Token.AsSpan(4)).Length);
        Assert.NotEqual(created.Token, _store.AddToken("alice", "second").Token);
    }

    [Fact]
    public void Token_is_stored_only_as_hash()
    {
        var created = _store.AddUser("alice");
        var another = _store.AddToken("alice", "laptop");
        Assert.NotNull(_store.Authenticate("alice", created.Token));

        // Before closing, the rows may still be in burrow.db-wal only; check every file of the database.
        AssertAbsentFromDatabaseFiles(created.Token);
        AssertAbsentFromDatabaseFiles(another.Token);
        _store.Dispose();
        AssertAbsentFromDatabaseFiles(created.Token);
        AssertAbsentFromDatabaseFiles(another.Token);

        // The raw secret must not be there either, and the hash must be (it is what authentication uses).
        var files = ReadDatabaseFiles();
        var secret = Base64Url.DecodeFromChars(created.Token.AsSpan(4));
        Assert.Equal(-1, files.AsSpan().IndexOf(secret));
        Assert.NotEqual(-1, files.AsSpan().IndexOf(SHA256.HashData(Encoding.UTF8.GetBytes(created.Token))));
    }

    [Fact]
    public void New_token_ToString_does_not_reveal_the_token()
    {
        var created = _store.AddUser("alice");

        Assert.DoesNotContain(created.Token, created.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token[4..], created.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_token_returns_null()
    {
        var created = _store.AddUser("alice");
        var wrong = created.Token[..^1] + (created.Token[^1] == 'A' ? 'B' : 'A');

        Assert.Null(_store.Authenticate("alice", wrong));
        Assert.Null(_store.Authenticate("alice", ""));
        Assert.Null(_store.Authenticate("alice", "brw_"));
    }

    [Fact]
    public void Unknown_user_returns_null_even_with_a_valid_token()
    {
        var created = _store.AddUser("alice");
        _store.AddUser("bob");

        Assert.Null(_store.Authenticate("nobody", created.Token));
        Assert.Null(_store.Authenticate("bob", created.Token));
        Assert.Null(_store.Authenticate("", created.Token));
    }

    [Fact]
    public void Revoked_token_returns_null()
    {
        var created = _store.AddUser("alice");

        Assert.True(_store.RevokeToken("alice", created.TokenId));

        Assert.Null(_store.Authenticate("alice", created.Token));
        var record = Assert.Single(_store.ListTokens("alice"));
        Assert.True(record.Revoked);
    }

    [Fact]
    public void Revoking_twice_or_for_another_user_returns_false()
    {
        var alice = _store.AddUser("alice");
        _store.AddUser("bob");

        Assert.False(_store.RevokeToken("bob", alice.TokenId));
        Assert.False(_store.RevokeToken("alice", alice.TokenId + 100));
        Assert.True(_store.IsTokenActive(alice.TokenId));
        Assert.True(_store.RevokeToken("alice", alice.TokenId));
        Assert.False(_store.RevokeToken("alice", alice.TokenId));
    }

    [Fact]
    public void Token_is_inactive_after_revoke()
    {
        var first = _store.AddUser("alice");
        var second = _store.AddToken("alice", "ci");

        _store.RevokeToken("alice", first.TokenId);

        Assert.False(_store.IsTokenActive(first.TokenId));
        Assert.True(_store.IsTokenActive(second.TokenId));
        Assert.False(_store.IsTokenActive(second.TokenId + 1));
        Assert.NotNull(_store.Authenticate("alice", second.Token));
    }

    [Fact]
    public void User_holds_several_labelled_tokens_and_each_authenticates_as_itself()
    {
        var first = _store.AddUser("alice");
        _time.Advance(TimeSpan.FromMinutes(1));
        var laptop = _store.AddToken("alice", "laptop");
        _time.Advance(TimeSpan.FromMinutes(1));
        var ci = _store.AddToken("ALICE", "  ci server  ");

        Assert.Equal(laptop.TokenId, _store.Authenticate("alice", laptop.Token)!.TokenId);
        Assert.Equal(ci.TokenId, _store.Authenticate("alice", ci.Token)!.TokenId);
        Assert.Equal(first.TokenId, _store.Authenticate("alice", first.Token)!.TokenId);

        var tokens = _store.ListTokens("alice");
        Assert.Equal([first.TokenId, laptop.TokenId, ci.TokenId], tokens.Select(t => t.Id));
        Assert.Equal(["default", "laptop", "ci server"], tokens.Select(t => t.Label));
        Assert.Equal([Start, Start.AddMinutes(1), Start.AddMinutes(2)], tokens.Select(t => t.CreatedAt));
        Assert.All(tokens, t => Assert.False(t.Revoked));
    }

    [Fact]
    public void Successful_authentication_updates_last_used_time_of_that_token_only()
    {
        var first = _store.AddUser("alice");
        var second = _store.AddToken("alice", "laptop");
        Assert.All(_store.ListTokens("alice"), t => Assert.Null(t.LastUsedAt));

        _time.Advance(TimeSpan.FromHours(1));
        _store.Authenticate("alice", second.Token);
        _time.Advance(TimeSpan.FromHours(1));
        _store.Authenticate("alice", "brw_wrong");

        var tokens = _store.ListTokens("alice");
        Assert.Null(tokens.Single(t => t.Id == first.TokenId).LastUsedAt);
        Assert.Equal(Start.AddHours(1), tokens.Single(t => t.Id == second.TokenId).LastUsedAt);
    }

    [Fact]
    public void Adding_a_token_for_an_unknown_user_is_rejected()
    {
        var error = Assert.Throws<AccountException>(() => _store.AddToken("nobody", "laptop"));

        Assert.Contains("nobody", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\u001b[2Jlabel")]
    public void Unusable_token_label_is_rejected(string label)
    {
        _store.AddUser("alice");

        Assert.Throws<AccountException>(() => _store.AddToken("alice", label));
        Assert.Single(_store.ListTokens("alice"));
    }

    [Fact]
    public void Listing_tokens_of_an_unknown_user_is_empty()
    {
        Assert.Empty(_store.ListTokens("nobody"));
    }

    private void AssertAbsentFromDatabaseFiles(string token)
    {
        var bytes = ReadDatabaseFiles();
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(token)));
    }

    private byte[] ReadDatabaseFiles()
    {
        var files = Directory.GetFiles(_directory.Path, "burrow.db" + "*");
        Assert.Contains(_store.DatabasePath, files);

        // FileShare.ReadWrite: the store may still hold the files open.
        using var all = new MemoryStream();
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }

        return all.ToArray();
    }
}
