namespace Burrow.Server.Registration;

/// <summary>How tunnels are registered and how long names live. Configuration keys are the property names.</summary>
public sealed class RegistrationOptions
{
    /// <summary>How long a registration's ticket, and the hold on its names, lasts if no channel presents it (default 30 s).</summary>
    public TimeSpan RegistrationLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Names nobody may claim (default www, api, admin, mail).</summary>
    public List<string> ReservedNames { get; set; } = ["www", "api", "admin", "mail"];

    /// <summary>Registrations allowed per client network per minute (default 30); the next gets 429 with Retry-After.</summary>
    public int RegistrationsPerMinute { get; set; } = 30;

    /// <summary>Registrations allowed per user per minute, whatever address they come from (default 20).</summary>
    public int RegistrationsPerUserPerMinute { get; set; } = 20;

    /// <summary>Names one user may hold, unless the user has their own quota (<c>burrow user add --max-names</c>; default 20).</summary>
    public int MaxNamesPerUser { get; set; } = 20;

    /// <summary>Names not served by any channel for this many days are released (default 90; 0 keeps names for ever).</summary>
    public int NameRetentionDays { get; set; } = 90;

    /// <summary>Names one channel may serve (default 16).</summary>
    public int MaxNamesPerChannel { get; set; } = 16;
}
