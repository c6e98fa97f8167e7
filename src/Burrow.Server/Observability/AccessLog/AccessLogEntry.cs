namespace Burrow.Server.Observability.AccessLog;

/// <summary>
/// One public request as the access log records it. Peer-supplied text (path, user agent, referer, host) is kept as
/// received; each format escapes it when the line is written, so a visitor cannot forge lines.
/// </summary>
internal sealed record AccessLogEntry(
    DateTimeOffset Time,
    string Host,
    string? Tunnel,
    string? User,
    string Client,
    string Method,
    string Path,
    string Protocol,
    int Status,
    long BytesIn,
    long BytesOut,
    double DurationMs,
    string? UserAgent,
    string? Referer,
    string RequestId,
    string? TraceId);
