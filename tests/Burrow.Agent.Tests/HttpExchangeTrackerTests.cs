using System.Text;
using Burrow.Agent.Inspection;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Agent.Tests;

public sealed class HttpExchangeTrackerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<RequestSummary> _seen = [];
    private readonly HttpExchangeTracker _tracker;

    public HttpExchangeTrackerTests()
    {
        _tracker = new HttpExchangeTracker(_time, _seen.Add);
    }

    private void Request(string text) => _tracker.OnRequestBytes(Encoding.ASCII.GetBytes(text));

    private void Response(string text)
    {
        // Fed a byte at a time, so message boundaries inside any read are exercised.
        foreach (var b in Encoding.ASCII.GetBytes(text))
        {
            _tracker.OnResponseBytes([b]);
        }
    }

    [Fact]
    public void Keep_alive_requests_are_reported_one_by_one_with_status_and_duration()
    {
        Request("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
        _time.Advance(TimeSpan.FromMilliseconds(30));
        Response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
        Response("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");

        Assert.Equal(2, _seen.Count);
        Assert.Equal(("GET", "/a?x=1", 200), (_seen[0].Method, _seen[0].Path, _seen[0].Status));
        Assert.Equal(("POST", "/b", 201), (_seen[1].Method, _seen[1].Path, _seen[1].Status));
        Assert.Equal(TimeSpan.FromMilliseconds(30), _seen[0].Duration);
    }

    [Fact]
    public void Head_and_no_content_responses_have_no_body()
    {
        Request("HEAD / HTTP/1.1\r\n\r\nDELETE /x HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");

        Assert.Equal([200, 204], _seen.Select(s => s.Status));
    }

    [Fact]
    public void Interim_continue_is_not_the_final_status()
    {
        Request("PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
        Response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(202, Assert.Single(_seen).Status);
    }

    [Fact]
    public void Upgrade_is_reported_and_then_bytes_are_ignored()
    {
        Request("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        Response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello HTTP/1.1 500 nope\r\n\r\n");

        Assert.Equal(101, Assert.Single(_seen).Status);
    }

    [Fact]
    public void Body_delimited_by_close_completes_at_the_end()
    {
        Request("GET /old HTTP/1.1\r\n\r\n");
        Response("HTTP/1.0 200 OK\r\n\r\nsome body");
        Assert.Empty(_seen);

        _tracker.OnResponseEnd();
        Assert.Equal(200, Assert.Single(_seen).Status);
    }

    [Fact]
    public void Framing_headers_are_found_among_many_others_in_any_case_and_any_split()
    {
        // Whole reads take the no-copy path for the lines framing ignores; byte-at-a-time responses take the slow one.
        Request("PUT /up HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 1.2.3.4\r\nCONTENT-LENGTH : 4\r\nAccept: */*\r\n\r\nbodyGET /next HTTP/1.1\r\nX-A: b\r\n\r\n");
        var chunkedWithTrailer = "HTTP/1.1 200 OK\r\nServer: x\r\nDate: today\r\ntransfer-encoding: chunked\r\nX-Content-Length: 999\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: abc\r\n\r\n";
        _tracker.OnResponseBytes(Encoding.ASCII.GetBytes(chunkedWithTrailer));
        Response("HTTP/1.1 404 Not Found\r\nX-Content-Length: 7\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nno");

        Assert.Equal([("PUT", "/up", 200), ("GET", "/next", 404)], _seen.Select(s => (s.Method, s.Path, s.Status)));
    }
}
