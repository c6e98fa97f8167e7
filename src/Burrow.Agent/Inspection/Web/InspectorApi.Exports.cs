using System.Buffers;
using System.Text;
using System.Text.Json;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;
using Burrow.Agent.Inspection.Export;
using Microsoft.AspNetCore.Http;

namespace Burrow.Agent.Inspection.Web;

internal sealed partial class InspectorApi
{
    /// <summary>GET /api/requests/har: every matching exchange as one HAR file, oldest first (credentials redacted unless <c>redact=0</c>).</summary>
    private Task HarAllAsync(HttpContext context)
    {
        RequestFilter filter;
        try
        {
            filter = RequestFilter.Parse(context.Request.Query);
        }
        catch (FormatException ex)
        {
            return WriteErrorAsync(context, StatusCodes.Status400BadRequest, ex.Message);
        }

        var views = Matching(context, filter, int.MaxValue).AsEnumerable().Reverse().Select(e => ExchangeView.Read(e, _store.Ring)).OfType<ExchangeView>();
        return WriteHarAsync(context, views, "burrow.har");
    }

    /// <summary>GET /api/requests/{id}/har: one exchange as a HAR file.</summary>
    private Task HarOneAsync(HttpContext context, CapturedExchange exchange)
    {
        return ExchangeView.Read(exchange, _store.Ring) is { } view
            ? WriteHarAsync(context, [view], $"burrow-{exchange.Id}.har")
            : WriteErrorAsync(context, StatusCodes.Status404NotFound, $"request {exchange.Id} was evicted");
    }

    /// <summary>GET /api/requests/{id}/curl: the request as a curl command line (credentials redacted unless <c>redact=0</c>).</summary>
    private Task CurlAsync(HttpContext context, CapturedExchange exchange)
    {
        if (ExchangeView.Read(exchange, _store.Ring) is not { } view)
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, $"request {exchange.Id} was evicted");
        }

        var inspector = $"{context.Request.Scheme}://{context.Request.Host}";
        var command = CurlCommand.Build(view, Redact(context), inspector);
        return WriteAsync(context, StatusCodes.Status200OK, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(command + "\n"));
    }

    private static Task WriteHarAsync(HttpContext context, IEnumerable<ExchangeView> views, string fileName)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            HarWriter.Write(json, views, Redact(context));
        }

        if (Flag(context, "download"))
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        }

        return WriteAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8", buffer.WrittenMemory);
    }

    /// <summary>Exports redact credentials unless the caller says <c>redact=0</c> (or false, no).</summary>
    private static bool Redact(HttpContext context) => context.Request.Query["redact"].ToString() is not ("0" or "false" or "no");
}
