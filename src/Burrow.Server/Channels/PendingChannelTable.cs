using System.Collections.Concurrent;
using Burrow.Protocol.Handshake;

namespace Burrow.Server.Channels;

/// <summary>
/// Channel ids issued by registration and not yet presented. An id is single use and lives
/// <see cref="Hosting.BurrowServerOptions.RegistrationLifetime"/>; used ids are remembered until they would have expired
/// so that a replay is logged as such.
/// </summary>
internal sealed class PendingChannelTable : IChannelTicketLookup
{
    private readonly ConcurrentDictionary<string, PendingRegistration> _pending = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public PendingChannelTable(TimeProvider time)
    {
        _time = time;
    }

    public int Count => _pending.Count;

    public void Add(PendingRegistration registration)
    {
        Sweep();
        _pending[registration.Ticket.IdText] = registration;
    }

    public HandshakeFailure TryGetKey(ReadOnlySpan<byte> id, out byte[]? key)
    {
        key = null;
        if (!_pending.TryGetValue(ChannelTicket.FormatId(id), out var registration))
        {
            return HandshakeFailure.UnknownId;
        }

        if (registration.ExpiresAt <= _time.GetUtcNow())
        {
            return HandshakeFailure.Expired;
        }

        lock (registration)
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
        if (!_pending.TryGetValue(ChannelTicket.FormatId(id), out var registration))
        {
            return false;
        }

        lock (registration)
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
        => _pending.TryGetValue(ChannelTicket.FormatId(id), out var registration) ? registration : null;

    /// <summary>Drops expired entries; called on every registration so the table cannot grow without bound.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, registration) in _pending)
        {
            if (registration.ExpiresAt <= now)
            {
                _pending.TryRemove(id, out _);
            }
        }
    }
}
