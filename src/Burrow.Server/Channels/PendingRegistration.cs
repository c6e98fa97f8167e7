using Burrow.Protocol.Handshake;

namespace Burrow.Server.Channels;

/// <summary>
/// A registration waiting for its channel: the ticket issued, who asked, for which names, the user's live-tunnel limit
/// (checked again when the channel arrives), until when.
/// </summary>
internal sealed record PendingRegistration(
    ChannelTicket Ticket,
    long UserId,
    string UserName,
    long TokenId,
    IReadOnlyList<string> Names,
    int MaxTunnels,
    DateTimeOffset ExpiresAt)
{
    public bool Used { get; set; }
}
