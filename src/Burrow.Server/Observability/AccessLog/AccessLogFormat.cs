namespace Burrow.Server.Observability.AccessLog;

/// <summary>How each access log line is written.</summary>
public enum AccessLogFormat
{
    /// <summary>One JSON object per line (default): every field, named.</summary>
    Json,

    /// <summary>The NCSA common log format (Apache's <c>%h %l %u %t "%r" %&gt;s %b</c>), the user in <c>%u</c>.</summary>
    Common,

    /// <summary>Common plus <c>"Referer" "User-Agent"</c>, as Apache's and nginx's "combined".</summary>
    Combined,
}
