namespace Burrow.Server.Observability.AccessLog;

/// <summary>The access log: one line per public request. Configuration keys are the property names (flat).</summary>
public sealed class AccessLogOptions
{
    /// <summary>Where lines go: a file path, or "stdout" (default none: no access log).</summary>
    public string? AccessLog { get; set; }

    /// <summary>Json (default), Common or Combined.</summary>
    public AccessLogFormat AccessLogFormat { get; set; } = AccessLogFormat.Json;

    /// <summary>Whether the path keeps its query string (default false: queries often carry secrets).</summary>
    public bool AccessLogQuery { get; set; }

    /// <summary>
    /// Lines that may wait for the writer (default 10,000). Writing is asynchronous so a slow disk never slows a
    /// request; past this many waiting lines new ones are dropped and counted (<c>burrow_access_log_dropped_total</c>).
    /// </summary>
    public int AccessLogQueueSize { get; set; } = 10_000;
}
