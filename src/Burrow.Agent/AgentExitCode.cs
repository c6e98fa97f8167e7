namespace Burrow.Agent;

/// <summary>Process exit codes of <c>burrow http</c> and <c>burrow start</c> (documented in the README).</summary>
public enum AgentExitCode
{
    /// <summary>Stopped by Ctrl-C or SIGTERM after a clean GOAWAY (and the drain, or its timeout).</summary>
    Ok = 0,

    /// <summary>Unexpected failure.</summary>
    Failure = 1,

    /// <summary>Bad options or configuration.</summary>
    ConfigError = 2,

    /// <summary>The server refused the credentials (bad or revoked token, unknown user) or forbids the request.</summary>
    AuthFailed = 3,

    /// <summary>A requested name belongs to another user or is reserved or invalid.</summary>
    NameRejected = 4,

    /// <summary>The server could not be reached within <see cref="AgentOptions.GiveUpIfNeverConnected"/>.</summary>
    ServerUnreachable = 5,

    /// <summary>A second Ctrl-C (or SIGTERM) cut the drain short: requests still in flight were cut off (128 + SIGINT).</summary>
    Interrupted = 130,
}
