using Burrow.Agent.Inspection.Capture;

namespace Burrow.Agent.Inspection.Display;

/// <summary>A captured exchange with both messages read out of the ring at one moment.</summary>
internal sealed class ExchangeView
{
    private ExchangeView(CapturedExchange exchange, MessageView request, MessageView response)
    {
        Exchange = exchange;
        Request = request;
        Response = response;
    }

    public CapturedExchange Exchange { get; }

    public MessageView Request { get; }

    public MessageView Response { get; }

    /// <summary>The public URL the client asked for (scheme from X-Forwarded-Proto, host from Host).</summary>
    public string Url
    {
        get
        {
            var scheme = Request.Head.Get("X-Forwarded-Proto") is "https" ? "https" : "http";
            var host = Request.Head.Get("Host") ?? Exchange.Tunnel.PublicHost;
            return $"{scheme}://{host}{Exchange.Path}";
        }
    }

    /// <summary>Reads an exchange (bodies up to <paramref name="maxBody"/> bytes); null if the ring has overwritten any of it.</summary>
    public static ExchangeView? Read(CapturedExchange exchange, ByteRing ring, int maxBody = int.MaxValue)
    {
        var request = MessageView.Read(exchange.Request, ring, maxBody);
        var response = MessageView.Read(exchange.Response, ring, maxBody);
        return request is null || response is null ? null : new ExchangeView(exchange, request, response);
    }
}
