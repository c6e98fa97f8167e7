using System.Diagnostics;
using Burrow.Server.Channels;
using Burrow.Server.Limits;
using Burrow.Server.Observability.AccessLog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Observability;

/// <summary>
/// The edge's per-request instrumentation, called by <c>PublicEdgeMiddleware</c> for every request to a tunnel host:
/// counts, the duration histogram, body bytes, the span and the access log line. Its cost on the request path is
/// bounded and small: a table lookup, two small objects for a forwarded request (the body counters), interlocked adds,
/// one histogram record; the span and the log entry only when tracing or the access log is on.
/// </summary>
internal sealed class EdgeTelemetry
{
    private readonly TrafficTable _traffic;
    private readonly EdgeMetrics _metrics;
    private readonly AccessLogWriter _accessLog;
    private readonly bool _logQuery;
    private readonly bool _tracing;
    private readonly TimeProvider _time;

    public EdgeTelemetry(TrafficTable traffic, EdgeMetrics metrics, AccessLogWriter accessLog, IOptions<AccessLogOptions> options, IOptions<TelemetryOptions> telemetry, TimeProvider time)
    {
        // This server's spans only: the activity source is process-wide, and another listener (another server in the
        // same process, a test) must not make this one trace.
        _tracing = telemetry.Value.OtlpEndpoint is not null;
        _traffic = traffic;
        _metrics = metrics;
        _accessLog = accessLog;
        _logQuery = options.Value.AccessLogQuery;
        _time = time;
    }

    /// <summary>A request is about to be forwarded over <paramref name="route"/>: count its bodies, start its span.</summary>
    public EdgeRequest BeginForward(HttpContext context, TunnelRoute route)
    {
        var traffic = _traffic.For(route.Name);
        var features = context.Features;
        var response = new CountingResponseBody(features.GetRequiredFeature<IHttpResponseBodyFeature>(), traffic);
        features.Set<IHttpResponseBodyFeature>(response);
        CountingRequestBody? requestBody = null;
        if (features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
        {
            requestBody = new CountingRequestBody(context.Request.Body, traffic);
            context.Request.Body = requestBody;
        }

        CountingUpgrade? upgrade = null;
        var upgradeFeature = features.Get<IHttpUpgradeFeature>();
        var connectFeature = features.Get<IHttpExtendedConnectFeature>();
        if (upgradeFeature?.IsUpgradableRequest == true || connectFeature?.IsExtendedConnect == true)
        {
            upgrade = new CountingUpgrade(upgradeFeature, connectFeature, traffic);
            if (upgradeFeature is not null)
            {
                features.Set<IHttpUpgradeFeature>(upgrade);
            }

            if (connectFeature is not null)
            {
                features.Set<IHttpExtendedConnectFeature>(upgrade);
            }
        }

        return new EdgeRequest(traffic, response, requestBody, upgrade, _tracing ? EdgeTracing.Start(context, route.Name) : null);
    }

    public void Refused(EdgeRefusal reason) => _metrics.Refused(reason);

    public void ConnectionRefused() => _metrics.ConnectionRefused();

    /// <summary>
    /// The request to a tunnel host is answered (forwarded or not): requests with a route are counted for their
    /// tunnel; every one gets its access log line.
    /// </summary>
    public void Complete(HttpContext context, string host, TunnelRoute? route, EdgeRequest? forwarded, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var status = context.Response.StatusCode;
        if (route is not null)
        {
            var traffic = forwarded?.Traffic ?? _traffic.For(route.Name);
            traffic.OnRequest(status);
            _metrics.RecordDuration(traffic.Label, elapsed.TotalSeconds);
        }

        var activity = forwarded?.Activity;
        if (activity is not null)
        {
            EdgeTracing.Stop(activity, status, route?.Channel.UserName);
        }

        if (_accessLog.IsEnabled)
        {
            _accessLog.Add(Entry(context, host, route, forwarded, elapsed, status, activity));
        }
    }

    private AccessLogEntry Entry(HttpContext context, string host, TunnelRoute? route, EdgeRequest? forwarded, TimeSpan elapsed, int status, Activity? activity)
    {
        var request = context.Request;
        var address = context.Connection.RemoteIpAddress;
        var client = address is null ? "-" : ClientNetwork.Unmapped(address).ToString();
        var path = _logQuery && request.QueryString.HasValue ? request.Path.Value + request.QueryString.Value : request.Path.Value;
        return new AccessLogEntry(
            _time.GetUtcNow() - elapsed,
            host,
            route?.Name,
            route?.Channel.UserName,
            client,
            request.Method,
            string.IsNullOrEmpty(path) ? "/" : Clip(path),
            request.Protocol,
            status,
            (forwarded?.Request?.Count ?? 0) + (forwarded?.Upgrade?.Stream?.BytesIn ?? 0),
            (forwarded?.Response.Count ?? 0) + (forwarded?.Upgrade?.Stream?.BytesOut ?? 0),
            elapsed.TotalMilliseconds,
            request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? Clip(agent) : null,
            request.Headers.Referer.ToString() is { Length: > 0 } referer ? Clip(referer) : null,
            context.TraceIdentifier,
            activity?.TraceId.ToHexString());
    }

    /// <summary>
    /// Visitor text kept in a queued access-log line, at most <see cref="MaxFieldLength"/> characters: the queue bounds
    /// its lines by count, and a visitor's 8 KB path and 32 KB headers would otherwise make a full queue of a stalled
    /// writer hold about 80 KB per line.
    /// </summary>
    internal static string Clip(string text) => text.Length <= MaxFieldLength ? text : string.Concat(text.AsSpan(0, MaxFieldLength), "...");

    internal const int MaxFieldLength = 1024;
}
