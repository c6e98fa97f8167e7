namespace Burrow.Server.Channels;

/// <summary>
/// The one lifecycle of a channel (docs/architecture.md): <see cref="Pending"/> while its names are claimed,
/// <see cref="Live"/> while it takes requests, <see cref="Draining"/> once it takes no new ones, <see cref="Closed"/>
/// when its connection is gone. States only move forward.
/// </summary>
internal enum ChannelState
{
    /// <summary>Authenticated, known to the registry, not routable yet.</summary>
    Pending,

    /// <summary>Routable: public requests for its names may reach it.</summary>
    Live,

    /// <summary>Not routable; in-flight requests finish (graceful) or are cut (immediate).</summary>
    Draining,

    /// <summary>The connection is closed and the channel forgotten.</summary>
    Closed,
}
