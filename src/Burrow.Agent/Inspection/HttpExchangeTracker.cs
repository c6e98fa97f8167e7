using System.Globalization;

namespace Burrow.Agent.Inspection;

/// <summary>
/// Pairs requests (bytes going to the local server) with responses (bytes coming back) on one tunnel connection and
/// reports each exchange: method, path, status, and the time from the request head to the end of the response.
/// </summary>
internal sealed class HttpExchangeTracker
{
    private readonly HttpMessageScanner _requests = new();
    private readonly HttpMessageScanner _responses = new();
    private readonly Queue<(string Method, string Path, long Started, DateTimeOffset StartedAt)> _pending = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Action<RequestSummary> _report;
    private int _status;

    public HttpExchangeTracker(TimeProvider time, Action<RequestSummary> report)
    {
        _time = time;
        _report = report;
        _requests.HeadCompleted = OnRequestHead;
        _responses.HeadCompleted = OnResponseHead;
        _responses.MessageCompleted = OnResponseComplete;
    }

    public void OnRequestBytes(ReadOnlySpan<byte> data) => _requests.Scan(data);

    public void OnResponseBytes(ReadOnlySpan<byte> data) => _responses.Scan(data);

    public void OnResponseEnd() => _responses.End();

    private HttpMessageScanner.BodyKind OnRequestHead(IReadOnlyList<string> head)
    {
        var parts = head[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return HttpMessageScanner.BodyKind.Stop;
        }

        lock (_lock)
        {
            _pending.Enqueue((parts[0], parts[1], _time.GetTimestamp(), _time.GetUtcNow()));
        }

        return Framing(_requests, head, isResponse: false, method: parts[0], status: 0);
    }

    private HttpMessageScanner.BodyKind OnResponseHead(IReadOnlyList<string> head)
    {
        var parts = head[0].Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return HttpMessageScanner.BodyKind.Stop;
        }

        string method;
        lock (_lock)
        {
            if (!_pending.TryPeek(out var request))
            {
                return HttpMessageScanner.BodyKind.Stop;
            }

            method = request.Method;
        }

        if (status is >= 100 and < 200 and not 101)
        {
            // An interim response (100 Continue): the final one follows.
            return HttpMessageScanner.BodyKind.None;
        }

        _status = status;
        if (status == 101)
        {
            OnResponseComplete();
            return HttpMessageScanner.BodyKind.Stop;
        }

        return Framing(_responses, head, isResponse: true, method, status);
    }

    private void OnResponseComplete()
    {
        if (_status == 0)
        {
            return;
        }

        (string Method, string Path, long Started, DateTimeOffset StartedAt) request;
        lock (_lock)
        {
            if (!_pending.TryDequeue(out request))
            {
                return;
            }
        }

        var status = _status;
        _status = 0;
        _report(new RequestSummary(request.Method, request.Path, status, _time.GetElapsedTime(request.Started), request.StartedAt));
    }

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
}
