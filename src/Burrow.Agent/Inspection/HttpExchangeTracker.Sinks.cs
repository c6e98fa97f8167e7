namespace Burrow.Agent.Inspection;

internal sealed partial class HttpExchangeTracker
{
    /// <summary>The request direction: heads and bodies the public client sends to the local server.</summary>
    private sealed class RequestSink(HttpExchangeTracker tracker) : IHttpMessageSink
    {
        public HttpMessageScanner.BodyKind OnHead(IReadOnlyList<string> head) => tracker.OnRequestHead(head);

        public void OnHeadBytes(ReadOnlySpan<byte> bytes)
        {
            var pending = tracker.Incoming();
            pending.Exchange?.Request.Head.Append(tracker._capture!.Ring, bytes);
        }

        public void OnBodyBytes(ReadOnlySpan<byte> bytes)
            => tracker._incoming?.Exchange?.Request.AppendBody(tracker._capture!.Ring, bytes, tracker._capture.BodyLimit);

        public void OnMessageComplete() => tracker.OnRequestComplete();
    }

    /// <summary>The response direction: what the local server answers.</summary>
    private sealed class ResponseSink(HttpExchangeTracker tracker) : IHttpMessageSink
    {
        public HttpMessageScanner.BodyKind OnHead(IReadOnlyList<string> head) => tracker.OnResponseHead(head);

        public void OnHeadBytes(ReadOnlySpan<byte> bytes) => tracker.OnResponseHeadBytes(bytes);

        public void OnBodyBytes(ReadOnlySpan<byte> bytes) => tracker.OnResponseBody(bytes);

        public void OnMessageComplete() => tracker.OnResponseComplete();
    }
}
