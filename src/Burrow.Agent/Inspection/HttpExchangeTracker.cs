using System.Globalization;
using Burrow.Agent.Inspection.Capture;

namespace Burrow.Agent.Inspection;

/// <summary>
/// The tap on a tunnel connection's two copy loops: pairs requests (bytes going to the local server) with responses
/// (bytes coming back), in order, which covers keep-alive and pipelining, and reports each exchange: method, path,
/// status, and the time from the first request byte to the end of the response. With the inspector on it also copies
/// heads and bodies into the inspector's store as they pass. It never changes a byte and never waits: everything it
/// does is bounded work on the bytes it is shown.
/// </summary>
/// <remarks>
/// The request loop calls <see cref="OnRequestBytes"/>, the response loop <see cref="OnResponseBytes"/> and
/// <see cref="OnResponseEnd"/>, concurrently; <see cref="Close"/> comes once both have finished.
/// </remarks>
internal sealed partial class HttpExchangeTracker
{
    private readonly HttpMessageScanner _requests;
    private readonly HttpMessageScanner _responses;
    private readonly bool _tracing;
    private readonly Queue<PendingExchange> _pending = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Action<RequestSummary> _report;
    private readonly ConnectionCapture? _capture;

    // Request loop only.
    private PendingExchange? _incoming;
    private string? _forwardedFor;
    private string? _clientAddress;

    // Response loop only.
    private PendingExchange? _answering;
    private int _status;
    private CapturedExchange? _started;

    // Set by the response loop at a 101, read by the request loop: from then on neither direction is HTTP.
    private volatile PendingExchange? _switched;

    public HttpExchangeTracker(TimeProvider time, Action<RequestSummary> report, ConnectionCapture? capture = null)
    {
        _time = time;
        _report = report;
        _capture = capture;
        _tracing = Telemetry.AgentTelemetry.IsTracing;
        _requests = new HttpMessageScanner(new RequestSink(this), keepForwardedFor: capture is not null, keepTraceParent: _tracing);
        _responses = new HttpMessageScanner(new ResponseSink(this));
    }

    /// <summary>True once a 101 switched the connection to another protocol (a WebSocket): it carries no more requests.</summary>
    public bool IsUpgraded => _switched is not null;

    /// <summary>True while a request on this connection waits for (the end of) its response: what a drain waits for.</summary>
    public bool HasRequestInFlight
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count > 0;
            }
        }
    }

    public void OnRequestBytes(ReadOnlySpan<byte> data)
    {
        if (_switched is { } switched)
        {
            switched.Exchange?.Upgrade?.Inbound.Count(data);
            return;
        }

        _requests.Scan(data);
    }

    public void OnResponseBytes(ReadOnlySpan<byte> data)
    {
        _responses.Scan(data);

        // A response whose head came in this read but whose body goes on is listed now, as in progress. Most
        // responses end in the read that starts them and are published once, complete.
        if (_started is { } started)
        {
            _started = null;
            _capture!.Publish(started);
        }
    }

    public void OnResponseEnd() => _responses.End();

    /// <summary>
    /// The connection is over (both loops have returned): an upgraded exchange ends now, and requests still waiting
    /// for (the end of) a response are published as aborted.
    /// </summary>
    public void Close()
    {
        if (_capture is null)
        {
            return;
        }

        if (_switched?.Exchange is { } upgraded)
        {
            Finish(upgraded, _switched.Started, ExchangeState.Complete);
        }

        PendingExchange[] left;
        lock (_lock)
        {
            left = [.. _pending];
            _pending.Clear();
        }

        foreach (var pending in left)
        {
            if (pending.Exchange is { } exchange)
            {
                Finish(exchange, pending.Started, ExchangeState.Aborted);
            }
        }
    }

    private void Finish(CapturedExchange exchange, long started, ExchangeState state)
    {
        exchange.Request.Finish();
        exchange.Response.Finish();
        exchange.Duration = _time.GetElapsedTime(started);
        exchange.State = state;
        _capture!.Publish(exchange);
    }

    private PendingExchange Incoming()
    {
        if (_incoming is null)
        {
            var startedAt = _time.GetUtcNow();
            _incoming = new PendingExchange(_time.GetTimestamp(), startedAt, _capture?.Begin(startedAt));
        }

        return _incoming;
    }

    private HttpMessageScanner.BodyKind OnRequestHead(IReadOnlyList<string> head)
    {
        var pending = Incoming();
        var parts = head[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            // Not HTTP/1.x: the scanner switches off and nothing of this connection is captured.
            _incoming = null;
            return HttpMessageScanner.BodyKind.Stop;
        }

        pending.Method = KnownMethod(parts[0]);
        pending.Path = parts[1];
        // The scanner keeps the line only while tracing: otherwise the lookup could only miss (it runs per request).
        pending.TraceParent = _tracing ? HttpMessageScanner.Header(head, "traceparent") : null;
        if (pending.Exchange is { } exchange)
        {
            exchange.Method = pending.Method;
            exchange.Path = parts[1];
            var forwardedFor = HttpMessageScanner.Header(head, "X-Forwarded-For");
            if (forwardedFor != _forwardedFor)
            {
                // Requests on one connection mostly come from one client: they share the address string.
                _forwardedFor = forwardedFor;
                _clientAddress = CapturedExchange.ParseClientAddress(forwardedFor);
            }

            exchange.ClientAddress = _clientAddress;
            exchange.Request.Head.Seal();
        }

        lock (_lock)
        {
            _pending.Enqueue(pending);
        }

        return Framing(_requests, head, isResponse: false, method: parts[0], status: 0);
    }

    private void OnRequestComplete()
    {
        _incoming?.Exchange?.Request.Finish();
        _incoming = null;
    }

    private void OnResponseHeadBytes(ReadOnlySpan<byte> bytes)
    {
        if (_answering is null)
        {
            lock (_lock)
            {
                _pending.TryPeek(out _answering);
            }

            if (_answering?.Exchange is { TimeToFirstByte: null } first)
            {
                first.TimeToFirstByte = _time.GetElapsedTime(_answering.Started);
            }
        }

        _answering?.Exchange?.Response.Head.Append(_capture!.Ring, bytes);
    }

    private HttpMessageScanner.BodyKind OnResponseHead(IReadOnlyList<string> head)
    {
        var parts = head[0].Split(' ', 3);
        if (_answering is not { } request || parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return HttpMessageScanner.BodyKind.Stop;
        }

        var exchange = request.Exchange;
        if (status is >= 100 and < 200 and not 101)
        {
            // An interim response (100 Continue): the final one follows, and only its head is kept.
            exchange?.Response.Head.Reset();
            return HttpMessageScanner.BodyKind.None;
        }

        _status = status;
        if (exchange is not null)
        {
            exchange.Status = status;
            exchange.Response.Head.Seal();
            exchange.State = ExchangeState.InProgress;
        }

        if (status == 101)
        {
            if (exchange is not null)
            {
                exchange.Upgrade = new UpgradeCounters(HttpMessageScanner.Header(head, "Upgrade") ?? "unknown");
                exchange.State = ExchangeState.Upgraded;
            }

            _switched = request;
            OnResponseComplete();

            // With capture on, what follows is counted (WebSocket messages and bytes) until the connection ends.
            return exchange is null ? HttpMessageScanner.BodyKind.Stop : HttpMessageScanner.BodyKind.UntilClose;
        }

        _started = exchange;
        return Framing(_responses, head, isResponse: true, request.Method, status);
    }

    private void OnResponseBody(ReadOnlySpan<byte> bytes)
    {
        if (_switched is { } switched)
        {
            switched.Exchange?.Upgrade?.Outbound.Count(bytes);
            return;
        }

        _answering?.Exchange?.Response.AppendBody(_capture!.Ring, bytes, _capture.BodyLimit);
    }

    private void OnResponseComplete()
    {
        if (_status == 0)
        {
            return;
        }

        PendingExchange? request;
        lock (_lock)
        {
            if (!_pending.TryDequeue(out request))
            {
                return;
            }
        }

        _answering = null;
        _started = null;
        var status = _status;
        _status = 0;
        var duration = _time.GetElapsedTime(request.Started);
        if (request.Exchange is { } exchange && exchange.State != ExchangeState.Upgraded)
        {
            exchange.Response.Finish();
            exchange.Duration = duration;
            exchange.State = ExchangeState.Complete;
            _capture!.Publish(exchange);
        }
        else if (request.Exchange is { } upgraded)
        {
            upgraded.TimeToFirstByte ??= duration;
            _capture!.Publish(upgraded);
        }

        _report(new RequestSummary(request.Method, request.Path, status, duration, request.StartedAt, request.Exchange?.Id) { TraceParent = request.TraceParent });
    }

    /// <summary>The shared instance of a standard method name (RFC 9110 section 9), so kept entries do not each hold a copy.</summary>
    private static string KnownMethod(string method) => method switch
    {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => method,
    };

    private static HttpMessageScanner.BodyKind Framing(HttpMessageScanner scanner, IReadOnlyList<string> head, bool isResponse, string method, int status)
    {
        if (isResponse && (method == "HEAD" || status is 204 or 304))
        {
            return HttpMessageScanner.BodyKind.None;
        }

        var transferEncoding = HttpMessageScanner.Header(head, "Transfer-Encoding");
        if (transferEncoding is not null && transferEncoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return HttpMessageScanner.BodyKind.Chunked;
        }

        if (long.TryParse(HttpMessageScanner.Header(head, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            scanner.SetContentLength(length);
            return HttpMessageScanner.BodyKind.Length;
        }

        if (!isResponse && HttpMessageScanner.Header(head, "Upgrade") is not null)
        {
            return HttpMessageScanner.BodyKind.None;
        }

        return isResponse ? HttpMessageScanner.BodyKind.UntilClose : HttpMessageScanner.BodyKind.None;
    }

    /// <summary>A request on its way, from its first byte until its response is complete.</summary>
    private sealed class PendingExchange(long started, DateTimeOffset startedAt, CapturedExchange? exchange)
    {
        public long Started { get; } = started;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public CapturedExchange? Exchange { get; } = exchange;

        public string Method { get; set; } = "";

        public string Path { get; set; } = "";

        /// <summary>The request's W3C traceparent, kept only while tracing is on.</summary>
        public string? TraceParent { get; set; }
    }
}
