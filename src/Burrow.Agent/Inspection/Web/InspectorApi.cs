using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent.Inspection.Web;

/// <summary>
/// The inspector's page and JSON API (documented in docs/inspector.md). Routing is a switch on the path: there are
/// a dozen routes, all fixed.
/// </summary>
internal sealed partial class InspectorApi
{
    /// <summary>Entries a list returns when no limit is given, and the most it returns.</summary>
    public const int DefaultLimit = 100;

    public const int MaxLimit = 5000;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ExchangeStore _store;
    private readonly ReplayClient _replay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public InspectorApi(ExchangeStore store, ReplayClient replay, TimeProvider time, ILogger logger)
    {
        _store = store;
        _replay = replay;
        _time = time;
        _logger = logger;
    }

    public Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var segments = (context.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        return segments switch
        {
            [] or [_] when get && Static(context) is { } file => file,
            ["api", "requests"] when get => ListAsync(context),
            ["api", "requests"] when HttpMethods.IsDelete(method) => ClearAsync(context),
            ["api", "requests", "har"] when get => HarAllAsync(context),
            ["api", "requests", var id] when get => WithExchange(context, id, DetailAsync),
            ["api", "requests", var id, "har"] when get => WithExchange(context, id, HarOneAsync),
            ["api", "requests", var id, "curl"] when get => WithExchange(context, id, CurlAsync),
            ["api", "requests", var id, "replay"] when HttpMethods.IsPost(method) => WithExchange(context, id, ReplayAsync),
            ["api", "requests", var id, "request" or "response", "body"] when get => WithExchange(context, id, (c, e) => BodyAsync(c, e, segments[3] == "request")),
            ["api", "events"] when get => EventsAsync(context),
            ["api", "tunnels"] when get => TunnelsAsync(context),
            ["api", ..] or [_, ..] => WriteErrorAsync(context, StatusCodes.Status404NotFound, $"no such endpoint: {method} {context.Request.Path}"),
            _ => WriteErrorAsync(context, StatusCodes.Status404NotFound, "not found"),
        };
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
        => WriteJsonAsync(context, json => json.WriteString("error", message), status);

    /// <summary>Writes one JSON object built by <paramref name="body"/>, not cached.</summary>
    public static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> body, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        await WriteAsync(context, status, "application/json; charset=utf-8", buffer.WrittenMemory);
    }

    private static async Task WriteAsync(HttpContext context, int status, string contentType, ReadOnlyMemory<byte> content)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(content, context.RequestAborted);
        }
    }

    private Task WithExchange(HttpContext context, string id, Func<HttpContext, CapturedExchange, Task> handler)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, $"'{Burrow.Protocol.PeerText.Escape(id)}' is not a request id");
        }

        return _store.Find(number) is { } exchange
            ? handler(context, exchange)
            : WriteErrorAsync(context, StatusCodes.Status404NotFound, $"no request {number} in the inspector (cleared, evicted, or never seen)");
    }

    private static Task? Static(HttpContext context)
    {
        if (!StaticAssets.TryGet(context.Request.Path.Value ?? "/", out var content, out var contentType))
        {
            return null;
        }

        // Everything the page loads comes from here: no inline script, no other origin.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        return WriteAsync(context, StatusCodes.Status200OK, contentType, content);
    }

    private static bool Flag(HttpContext context, string name)
        => context.Request.Query[name].ToString() is "1" or "true" or "yes";
}
