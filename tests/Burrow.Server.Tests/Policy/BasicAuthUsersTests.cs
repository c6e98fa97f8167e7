using Burrow.Server.Policy;

namespace Burrow.Server.Tests.Policy;

/// <summary>The password check itself: slow hash, constant-time compare, the same work for unknown users.</summary>
public sealed class BasicAuthUsersTests
{
    private static readonly BasicAuthUsers Users = new([("ann", PasswordHash.Create("s3cret")), ("bob", PasswordHash.Create("pässwörd"))]);

    [Fact]
    public void Each_user_matches_only_their_own_password()
    {
        Assert.Equal("ann", Users.Verify("ann", "s3cret"));
        Assert.Equal("bob", Users.Verify("bob", "pässwörd"));
        Assert.Null(Users.Verify("ann", "pässwörd"));
        Assert.Null(Users.Verify("bob", "s3cret"));
        Assert.Null(Users.Verify("Ann", "s3cret"));
    }

    [Fact]
    public void An_unknown_user_costs_one_slow_derivation_like_a_wrong_password()
    {
        var users = new BasicAuthUsers([("ann", PasswordHash.Create("s3cret"))]);
        Assert.Null(users.Verify("mallory", "s3cret"));
        Assert.Equal(1, users.SlowChecks);
        Assert.Null(users.Verify("ann", "wrong"));
        Assert.Equal(2, users.SlowChecks);
    }

    [Fact]
    public void A_verified_password_is_accepted_again_without_the_slow_derivation_and_a_wrong_one_is_not()
    {
        var users = new BasicAuthUsers([("ann", PasswordHash.Create("s3cret"))]);
        Assert.Equal("ann", users.Verify("ann", "s3cret"));
        Assert.Equal("ann", users.Verify("ann", "s3cret"));
        Assert.Equal(1, users.SlowChecks);
        Assert.Null(users.Verify("ann", "s3cret!"));
        Assert.Equal(2, users.SlowChecks);
    }

    [Fact]
    public void The_hash_is_salted_so_equal_passwords_hash_differently()
    {
        var first = PasswordHash.Create("same");
        var second = PasswordHash.Create("same");
        Assert.True(first.Matches("same"));
        Assert.True(second.Matches("same"));
        Assert.NotEqual(Convert.ToHexString(first.Salt), Convert.ToHexString(second.Salt));
    }

    [Theory]
    [InlineData("Basic YW5uOnMzY3JldA==", "ann", "s3cret")]
    [InlineData("basic YW5uOnMzOmNyZXQ=", "ann", "s3:cret")]
    [InlineData("Basic OnB3", "", "pw")]
    public void Authorization_headers_parse_per_rfc_7617(string header, string user, string password)
    {
        Assert.True(BasicAuthUsers.TryParse(header, out var name, out var secret));
        Assert.Equal(user, name);
        Assert.Equal(password, secret);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer abc")]
    [InlineData("Basic")]
    [InlineData("Basic bm9jb2xvbg==")]
    [InlineData("Basic //8=")]
    public void Malformed_authorization_headers_are_refused(string? header)
        => Assert.False(BasicAuthUsers.TryParse(header, out _, out _));

    [Fact]
    public void A_password_not_verified_before_is_not_derived_when_the_guessing_budget_says_no()
    {
        var users = new BasicAuthUsers([("ann", PasswordHash.Create("s3cret"))]);
        Assert.Null(users.Verify("ann", "guess", () => false, out var throttled));
        Assert.True(throttled);
        Assert.Equal(0, users.SlowChecks);

        // Once verified the slow way, the same password passes without asking the budget again.
        Assert.Equal("ann", users.Verify("ann", "s3cret", () => true, out _));
        Assert.Equal("ann", users.Verify("ann", "s3cret", () => false, out throttled));
        Assert.False(throttled);
        Assert.Equal(1, users.SlowChecks);
    }
}
