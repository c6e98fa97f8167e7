using System.Globalization;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;
using Microsoft.AspNetCore.Http;

namespace Burrow.Agent.Inspection.Web;

internal sealed partial class InspectorApi
{
    /// <summary>GET /api/requests: newest first, filtered; with <c>summary=1</c> only the list fields.</summary>
    private Task ListAsync(HttpContext context)
    {
        RequestFilter filter;
        int limit;
        try
        {
            filter = RequestFilter.Parse(context.Request.Query);
            limit = Limit(context);
        }
        catch (FormatException ex)
        {
            return WriteErrorAsync(context, StatusCodes.Status400BadRequest, ex.Message);
        }

        var summary = Flag(context, "summary");
        var reveal = Flag(context, "reveal");
        var matching = Matching(context, filter, limit);
        return WriteJsonAsync(context, json =>
        {
            json.WriteStartArray("requests");
            foreach (var exchange in matching)
            {
                if (summary)
                {
                    json.WriteStartObject();
                    ExchangeJson.WriteSummary(json, exchange);
                    json.WriteEndObject();
                }
                else if (ExchangeView.Read(exchange, _store.Ring, ExchangeJson.PreviewBytes) is { } view)
                {
                    json.WriteStartObject();
                    ExchangeJson.WriteDetail(json, view, reveal, ExchangeJson.PreviewLength);
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
        });
    }

    /// <summary>GET /api/requests/{id}: everything about one exchange (credentials masked unless <c>reveal=1</c>).</summary>
    private Task DetailAsync(HttpContext context, CapturedExchange exchange)
    {
        if (ExchangeView.Read(exchange, _store.Ring) is not { } view)
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, $"request {exchange.Id} was evicted");
        }

        return WriteJsonAsync(context, json => ExchangeJson.WriteDetail(json, view, Flag(context, "reveal"), int.MaxValue));
    }

    /// <summary>GET /api/requests/{id}/request/body (or response): the bytes, decoded with <c>decoded=1</c>, never rendered as a page.</summary>
    private Task BodyAsync(HttpContext context, CapturedExchange exchange, bool request)
    {
        if (MessageView.Read(request ? exchange.Request : exchange.Response, _store.Ring) is not { Body: { } } message)
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, $"the body of request {exchange.Id} is evicted or still arriving");
        }

        var body = Flag(context, "decoded") ? message.Decoded().Body : message.Body;
        if (!Flag(context, "decoded") && message.ContentEncoding is { } encoding)
        {
            context.Response.Headers.ContentEncoding = encoding;
        }

        // A captured body is whatever a visitor sent: it may be shown as an image, never run as a page here.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";
        return WriteAsync(context, StatusCodes.Status200OK, message.ContentType ?? "application/octet-stream", body);
    }

    /// <summary>DELETE /api/requests: forgets everything captured so far.</summary>
    private Task ClearAsync(HttpContext context)
    {
        _store.Clear();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>GET /api/tunnels: the tunnels seen, for the tunnel filter.</summary>
    private Task TunnelsAsync(HttpContext context) => WriteJsonAsync(context, json =>
    {
        json.WriteStartArray("tunnels");
        foreach (var tunnel in _store.Tunnels())
        {
            json.WriteStartObject();
            json.WriteString("name", tunnel.Name);
            json.WriteString("publicUrl", tunnel.PublicUrl);
            json.WriteString("target", tunnel.Target.LocalAddress);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    private List<CapturedExchange> Matching(HttpContext context, RequestFilter filter, int limit)
    {
        var all = _store.Snapshot();
        var before = long.TryParse(context.Request.Query["before"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : long.MaxValue;
        return [.. all.Where(e => e.Id < before).OrderByDescending(e => e.Id).Where(e => filter.Matches(e, _store.Ring)).Take(limit)];
    }

    private static int Limit(HttpContext context)
    {
        var text = context.Request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return DefaultLimit;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= MaxLimit
            ? limit
            : throw new FormatException($"limit must be 1 to {MaxLimit}");
    }
}
