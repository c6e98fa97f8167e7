using Burrow.Protocol.Handshake;
using Burrow.Server.Registration;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Registration;

/// <summary>Tickets waiting for their channel: single use, they expire, and their names are held for their user meanwhile.</summary>
public sealed class PendingRegistrationsTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly PendingRegistrations _pending;

    public PendingRegistrationsTests()
    {
        _pending = new PendingRegistrations(_time);
    }

    [Fact]
    public void Ticket_gives_its_key_once()
    {
        var registration = Registration(user: 1, "demo");
        Assert.Null(_pending.TryAdd(registration));
        var id = registration.Ticket.Id;

        Assert.Equal(HandshakeFailure.None, _pending.TryGetKey(id, out var key));
        Assert.Equal(registration.Ticket.Key, key);
        Assert.True(_pending.TryConsume(id));
        Assert.False(_pending.TryConsume(id));
        Assert.Equal(HandshakeFailure.ReusedId, _pending.TryGetKey(id, out key));
        Assert.Null(key);
        Assert.Same(registration, _pending.Find(id));
    }

    [Fact]
    public void Unknown_ticket_is_refused()
    {
        var stranger = ChannelTicket.Create();

        Assert.Equal(HandshakeFailure.UnknownId, _pending.TryGetKey(stranger.Id, out var key));
        Assert.Null(key);
        Assert.False(_pending.TryConsume(stranger.Id));
        Assert.Null(_pending.Find(stranger.Id));
    }

    [Fact]
    public void Ticket_expires_after_its_lifetime_and_is_swept()
    {
        var registration = Registration(user: 1, "demo");
        Assert.Null(_pending.TryAdd(registration));

        _time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(HandshakeFailure.None, _pending.TryGetKey(registration.Ticket.Id, out _));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HandshakeFailure.Expired, _pending.TryGetKey(registration.Ticket.Id, out var key));
        Assert.Null(key);

        _pending.Sweep();
        Assert.Equal(0, _pending.Count);
        Assert.Equal(HandshakeFailure.UnknownId, _pending.TryGetKey(registration.Ticket.Id, out _));
    }

    [Fact]
    public void Names_held_for_one_user_block_other_users_but_not_the_holder()
    {
        var alice = Registration(user: 1, "demo", "api");
        Assert.Null(_pending.TryAdd(alice));

        var bob = Registration(user: 2, "other", "api");
        Assert.Equal("api", _pending.TryAdd(bob));
        Assert.Equal(HandshakeFailure.UnknownId, _pending.TryGetKey(bob.Ticket.Id, out _));
        Assert.Null(_pending.HolderOf("other"));
        Assert.Equal(1, _pending.HolderOf("api"));

        // The holder may register the same names again (an agent retrying).
        Assert.Null(_pending.TryAdd(Registration(user: 1, "demo")));
    }

    [Fact]
    public void Holds_go_when_released_but_only_the_releasing_registrations()
    {
        var first = Registration(user: 1, "demo");
        var second = Registration(user: 1, "demo");
        Assert.Null(_pending.TryAdd(first));
        Assert.Null(_pending.TryAdd(second));

        // The newer registration holds the name now: releasing the older one leaves it held.
        _pending.ReleaseHolds(first);
        Assert.Equal(1, _pending.HolderOf("demo"));

        _pending.ReleaseHolds(second);
        Assert.Null(_pending.HolderOf("demo"));
        Assert.Null(_pending.TryAdd(Registration(user: 2, "demo")));
    }

    [Fact]
    public void Holds_go_when_the_ticket_expires()
    {
        Assert.Null(_pending.TryAdd(Registration(user: 1, "demo")));

        _time.Advance(Lifetime);

        Assert.Null(_pending.HolderOf("demo"));
        Assert.Null(_pending.TryAdd(Registration(user: 2, "demo")));
        Assert.Equal(2, _pending.HolderOf("demo"));
    }

    [Fact]
    public void Used_ticket_no_longer_holds_its_names()
    {
        var alice = Registration(user: 1, "demo");
        Assert.Null(_pending.TryAdd(alice));

        Assert.True(_pending.TryConsume(alice.Ticket.Id));

        Assert.Null(_pending.HolderOf("demo"));
        Assert.Null(_pending.TryAdd(Registration(user: 2, "demo")));
    }

    private PendingRegistration Registration(long user, params string[] names)
        => new(ChannelTicket.Create(), user, $"user{user}", TokenId: 1, names, MaxTunnels: 10, NameQuota: 10, Pooled: false, _time.GetUtcNow() + Lifetime);
}
