using Burrow.Protocol.Handshake;
using Burrow.Server.Policy;

namespace Burrow.Server.Registration;

/// <summary>
/// A registration waiting for its channel: the ticket issued, who asked, for which names, the user's limits (checked
/// again when the channel arrives), whether the channel joins a pool, until when. Its names are held for it, not
/// claimed: they become the user's only when the channel is admitted.
/// </summary>
internal sealed record PendingRegistration(
    ChannelTicket Ticket,
    long UserId,
    string UserName,
    long TokenId,
    IReadOnlyList<string> Names,
    int MaxTunnels,
    int NameQuota,
    bool Pooled,
    DateTimeOffset ExpiresAt)
{
    /// <summary>The visitor policy of each name that has one (names without one are open to everyone).</summary>
    public IReadOnlyDictionary<string, TunnelPolicy> Policies { get; init; } = new Dictionary<string, TunnelPolicy>();

    /// <summary>Set once, under the table's lock, when a channel presented the ticket.</summary>
    internal bool Used { get; set; }
}
