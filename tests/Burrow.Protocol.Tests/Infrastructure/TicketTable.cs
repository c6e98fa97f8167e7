using Burrow.Protocol.Handshake;

namespace Burrow.Protocol.Tests.Infrastructure;

/// <summary>An in-memory ticket lookup for handshake tests.</summary>
internal sealed class TicketTable : IChannelTicketLookup
{
    private readonly Dictionary<string, (byte[] Key, bool Used, bool Expired)> _tickets = [];

    public void Add(ChannelTicket ticket, bool expired = false) => _tickets[ticket.IdText] = (ticket.Key, false, expired);

    public HandshakeFailure TryGetKey(ReadOnlySpan<byte> id, out byte[]? key)
    {
        key = null;
        lock (_tickets)
        {
            if (!_tickets.TryGetValue(ChannelTicket.FormatId(id), out var entry))
            {
                return HandshakeFailure.UnknownId;
            }

            if (entry.Expired)
            {
                return HandshakeFailure.Expired;
            }

            if (entry.Used)
            {
                return HandshakeFailure.ReusedId;
            }

            key = entry.Key;
            return HandshakeFailure.None;
        }
    }

    public bool TryConsume(ReadOnlySpan<byte> id)
    {
        lock (_tickets)
        {
            var text = ChannelTicket.FormatId(id);
            if (!_tickets.TryGetValue(text, out var entry) || entry.Used)
            {
                return false;
            }

            _tickets[text] = entry with { Used = true };
            return true;
        }
    }
}
