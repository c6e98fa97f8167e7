namespace Burrow.Server.Channels;

/// <summary>Whether a channel takes a public request now, and if not, why.</summary>
internal enum RequestAdmission
{
    /// <summary>Counted in: forward it, then end it.</summary>
    Admitted,

    /// <summary>The channel is draining or closed.</summary>
    NotLive,

    /// <summary>The user already has their maximum of requests in flight.</summary>
    UserBusy,
}
