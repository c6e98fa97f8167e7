using System.Text;
using Burrow.Agent.Inspection;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>The tap itself, fed bytes the way the copy loops do, in reads of any size.</summary>
public sealed class TrackerCaptureTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ExchangeStore _store;
    private readonly HttpExchangeTracker _tracker;
    private readonly List<RequestSummary> _reported = [];

    public TrackerCaptureTests()
    {
        _store = new ExchangeStore(4 * 1024 * 1024, 16, _time);
        var tunnel = new TunnelBinding("t", "t.localhost", "http://t.localhost", new TunnelTarget("t", "127.0.0.1", 1));
        _tracker = new HttpExchangeTracker(_time, _reported.Add, _store.Open(tunnel));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Pipelined_requests_are_paired_with_their_responses_in_order(int readSize)
    {
        Feed(_tracker.OnRequestBytes, readSize,
            "POST /a HTTP/1.1\r\nX-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nContent-Length: 5\r\n\r\nfirst"
            + "PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nsec\r\n3\r\nond\r\n0\r\n\r\n"
            + "GET /c HTTP/1.1\r\n\r\n");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Feed(_tracker.OnResponseBytes, readSize,
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nA1"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nB2\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        var exchanges = _store.Snapshot();
        Assert.Equal([("/a", 201), ("/b", 200), ("/c", 404)], exchanges.Select(e => (e.Path, e.Status)));
        Assert.Equal([exchanges[0].Id, exchanges[1].Id, exchanges[2].Id], _reported.Select(r => r.Id!.Value));
        Assert.Equal(["first", "second", ""], exchanges.Select(e => Body(e.Request)));
        Assert.Equal(["A1", "B2", ""], exchanges.Select(e => Body(e.Response)));
        Assert.Equal("203.0.113.9", exchanges[0].ClientAddress);
        Assert.All(exchanges, e => Assert.Equal(ExchangeState.Complete, e.State));
        Assert.Equal(TimeSpan.FromMilliseconds(5), exchanges[0].Duration);
        var view = ExchangeView.Read(exchanges[0], _store.Ring)!;
        Assert.Equal("HTTP/1.1 201 Created", view.Response.Head.StartLine);
    }

    [Fact]
    public void Body_over_the_limit_is_cut_and_counted()
    {
        _tracker.OnRequestBytes(Encoding.ASCII.GetBytes("POST /big HTTP/1.1\r\nContent-Length: 40\r\n\r\n0123456789012345678901234567890123456789"));
        _tracker.OnResponseBytes(Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n"));

        var exchange = Assert.Single(_store.Snapshot());
        Assert.Equal((40, 16, true), (exchange.Request.BodySize, exchange.Request.Body.Length, exchange.Truncated));
        Assert.Equal("0123456789012345", Body(exchange.Request));
    }

    [Fact]
    public void Connection_closing_mid_response_publishes_the_exchange_as_aborted()
    {
        _tracker.OnRequestBytes(Encoding.ASCII.GetBytes("GET /slow HTTP/1.1\r\n\r\nGET /never HTTP/1.1\r\n\r\n"));
        _tracker.OnResponseBytes(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"));
        Assert.Equal(ExchangeState.InProgress, Assert.Single(_store.Snapshot()).State);

        _tracker.Close();
        var exchanges = _store.Snapshot();
        Assert.Equal([("/slow", 200, ExchangeState.Aborted), ("/never", 0, ExchangeState.Aborted)], exchanges.Select(e => (e.Path, e.Status, e.State)));
        Assert.Equal("partial", Body(exchanges[0].Response));
        Assert.Empty(_reported);
    }

    [Fact]
    public void Upgrade_counts_websocket_messages_each_way_until_the_connection_ends()
    {
        _tracker.OnRequestBytes(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));

        // The 101 and the server's first frame arrive in one read: an unmasked "hi".
        _tracker.OnResponseBytes([.. Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"), 0x81, 0x02, (byte)'h', (byte)'i']);
        var open = Assert.Single(_store.Snapshot());
        Assert.Equal((101, ExchangeState.Upgraded), (open.Status, open.State));

        // Client: a masked text frame split over reads, a fragmented message (two frames), a ping; then a close.
        byte[] masked = [0x81, 0x83, 1, 2, 3, 4, (byte)('a' ^ 1), (byte)('b' ^ 2), (byte)('c' ^ 3)];
        _tracker.OnRequestBytes(masked.AsSpan(0, 3));
        _tracker.OnRequestBytes(masked.AsSpan(3));
        _tracker.OnRequestBytes([0x01, 0x80, 0, 0, 0, 0, 0x80, 0x80, 0, 0, 0, 0, 0x89, 0x80, 0, 0, 0, 0, 0x88, 0x80, 0, 0, 0, 0]);
        _tracker.OnResponseEnd();
        _tracker.Close();

        var closed = Assert.Single(_store.Snapshot());
        Assert.Equal(ExchangeState.Complete, closed.State);
        Assert.Equal((2, 1), (closed.Upgrade!.Inbound.Messages, closed.Upgrade.Outbound.Messages));
        Assert.Equal((33, 4), (closed.Upgrade.Inbound.Bytes, closed.Upgrade.Outbound.Bytes));
        Assert.Equal(101, Assert.Single(_reported).Status);
    }

    [Fact]
    public void Websocket_frame_lengths_of_16_and_64_bits_are_followed()
    {
        var counter = new WebSocketFrameCounter();
        counter.Count([0x82, 126, 0x01, 0x00, .. new byte[256]]);
        counter.Count([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0, .. new byte[65536]]);
        counter.Count([0x81, 0x00]);
        Assert.Equal(3, counter.Messages);
    }

    private string Body(CapturedMessage message) => Encoding.ASCII.GetString(message.Body.Read(_store.Ring)!);

    private static void Feed(Action<ReadOnlySpan<byte>> sink, int readSize, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += readSize)
        {
            sink(bytes.AsSpan(i, Math.Min(readSize, bytes.Length - i)));
        }
    }
}
