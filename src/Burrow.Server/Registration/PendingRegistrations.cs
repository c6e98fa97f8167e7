using System.Collections.Concurrent;
using Burrow.Protocol.Handshake;

namespace Burrow.Server.Registration;

/// <summary>
/// Tickets issued by registration and not yet presented on the channel port, and the names they hold meanwhile. A
/// ticket is single use and lives <see cref="RegistrationOptions.RegistrationLifetime"/>; while it lives, its names are
/// held for its user, so another user cannot register them, but nothing is written to the database: a registration
/// whose channel never comes leaves no trace (issue #10, name squatting). Used tickets stay until they would have
/// expired, so that a replay is logged as such.
/// </summary>
internal sealed class PendingRegistrations : IChannelTicketLookup
{
    private readonly ConcurrentDictionary<string, PendingRegistration> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingRegistration> _holds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public PendingRegistrations(TimeProvider time)
    {
        _time = time;
    }

    public int Count => _byId.Count;

    /// <summary>
    /// Adds the registration and holds its names, unless another user's live registration holds one of them: then
    /// nothing changes and that name is returned.
    /// </summary>
    public string? TryAdd(PendingRegistration registration)
    {
        Sweep();
        lock (_lock)
        {
            foreach (var name in registration.Names)
            {
                if (_holds.TryGetValue(name, out var holder) && holder.UserId != registration.UserId && IsLive(holder))
                {
                    return name;
                }
            }

            foreach (var name in registration.Names)
            {
                _holds[name] = registration;
            }

            _byId[registration.Ticket.IdText] = registration;
        }

        return null;
    }

    /// <summary>The user whose pending registration holds <paramref name="name"/>, or null.</summary>
    public long? HolderOf(string name)
    {
        lock (_lock)
        {
            return _holds.TryGetValue(name, out var holder) && IsLive(holder) ? holder.UserId : null;
        }
    }

    public HandshakeFailure TryGetKey(ReadOnlySpan<byte> id, out byte[]? key)
    {
        key = null;
        if (!_byId.TryGetValue(ChannelTicket.FormatId(id), out var registration))
        {
            return HandshakeFailure.UnknownId;
        }

        if (registration.ExpiresAt <= _time.GetUtcNow())
        {
            return HandshakeFailure.Expired;
        }

        lock (_lock)
        {
            if (registration.Used)
            {
                return HandshakeFailure.ReusedId;
            }
        }

        key = registration.Ticket.Key;
        return HandshakeFailure.None;
    }

    public bool TryConsume(ReadOnlySpan<byte> id)
    {
        if (!_byId.TryGetValue(ChannelTicket.FormatId(id), out var registration))
        {
            return false;
        }

        lock (_lock)
        {
            if (registration.Used)
            {
                return false;
            }

            registration.Used = true;
            return true;
        }
    }

    /// <summary>The registration behind a consumed id.</summary>
    public PendingRegistration? Find(ReadOnlySpan<byte> id)
        => _byId.TryGetValue(ChannelTicket.FormatId(id), out var registration) ? registration : null;

    /// <summary>The channel was admitted (its names are claimed now) or refused: the holds go.</summary>
    public void ReleaseHolds(PendingRegistration registration)
    {
        lock (_lock)
        {
            foreach (var name in registration.Names)
            {
                if (_holds.TryGetValue(name, out var holder) && holder == registration)
                {
                    _holds.Remove(name);
                }
            }
        }
    }

    /// <summary>Drops expired entries and their holds; called on every registration so the table cannot grow without bound.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, registration) in _byId)
        {
            if (registration.ExpiresAt <= now)
            {
                _byId.TryRemove(id, out _);
                ReleaseHolds(registration);
            }
        }
    }

    private bool IsLive(PendingRegistration registration) => !registration.Used && registration.ExpiresAt > _time.GetUtcNow();
}
