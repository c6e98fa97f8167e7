using System.Reflection;
using System.Text.Json;
using Burrow.Agent.Inspection.Display;

namespace Burrow.Agent.Inspection.Export;

/// <summary>
/// Writes captured exchanges as an HTTP Archive, HAR 1.2 (the W3C Web Performance group's draft that browsers' dev
/// tools import). Credentials (Authorization, Cookie, Set-Cookie) are redacted unless the caller asks otherwise.
/// Burrow's own fields carry the underscore prefix the format reserves for extensions.
/// </summary>
internal static class HarWriter
{
    private static readonly string CreatorVersion =
        typeof(HarWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static void Write(Utf8JsonWriter json, IEnumerable<ExchangeView> exchanges, bool redact)
    {
        json.WriteStartObject();
        json.WriteStartObject("log");
        json.WriteString("version", "1.2");
        json.WriteStartObject("creator");
        json.WriteString("name", "burrow");
        json.WriteString("version", CreatorVersion);
        json.WriteEndObject();
        json.WriteStartArray("entries");
        foreach (var view in exchanges)
        {
            WriteEntry(json, view, redact);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEntry(Utf8JsonWriter json, ExchangeView view, bool redact)
    {
        var exchange = view.Exchange;
        var total = exchange.Duration?.TotalMilliseconds ?? 0;
        var wait = Math.Min(total, exchange.TimeToFirstByte?.TotalMilliseconds ?? total);
        json.WriteStartObject();
        json.WriteString("startedDateTime", exchange.StartedAt);
        json.WriteNumber("time", Math.Round(total, 3));
        WriteRequest(json, view, redact);
        WriteResponse(json, view, redact);
        json.WriteStartObject("cache");
        json.WriteEndObject();
        json.WriteStartObject("timings");
        json.WriteNumber("send", 0);
        json.WriteNumber("wait", Math.Round(wait, 3));
        json.WriteNumber("receive", Math.Round(total - wait, 3));
        json.WriteEndObject();
        json.WriteNumber("_id", exchange.Id);
        json.WriteString("_tunnel", exchange.Tunnel.Name);
        if (exchange.ReplayOf is { } original)
        {
            json.WriteNumber("_replayOf", original);
        }

        json.WriteBoolean("_truncated", exchange.Truncated);
        json.WriteEndObject();
    }

    private static void WriteRequest(Utf8JsonWriter json, ExchangeView view, bool redact)
    {
        var request = view.Request;
        json.WriteStartObject("request");
        json.WriteString("method", view.Exchange.Method);
        json.WriteString("url", view.Url);
        json.WriteString("httpVersion", request.Head.Version);
        WriteCookies(json, request.Head, "Cookie", redact);
        WriteHeaders(json, request.Head, redact);
        json.WriteStartArray("queryString");
        var query = view.Exchange.Path.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? view.Exchange.Path[(q + 1)..] : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            json.WriteStartObject();
            json.WriteString("name", BodyFormatter.Unescape(parts[0]));
            json.WriteString("value", parts.Length > 1 ? BodyFormatter.Unescape(parts[1]) : "");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (request.Body is { Length: > 0 })
        {
            json.WriteStartObject("postData");
            json.WriteString("mimeType", request.ContentType ?? "application/octet-stream");
            json.WriteStartArray("params");
            json.WriteEndArray();

            // HAR 1.2 gives postData no encoding field; an extension field says when the text is base64.
            WriteText(json, request.Decoded().Body, "_encoding");
            json.WriteEndObject();
        }

        json.WriteNumber("headersSize", request.RawHead.Length);
        json.WriteNumber("bodySize", request.BodySize);
        json.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter json, ExchangeView view, bool redact)
    {
        var response = view.Response;
        json.WriteStartObject("response");
        json.WriteNumber("status", view.Exchange.Status);
        json.WriteString("statusText", response.Head.Reason);
        json.WriteString("httpVersion", response.Head.Version);
        WriteCookies(json, response.Head, "Set-Cookie", redact);
        WriteHeaders(json, response.Head, redact);
        var (decoded, _, _) = response.Decoded();
        json.WriteStartObject("content");
        json.WriteNumber("size", decoded.Length);
        json.WriteNumber("compression", Math.Max(0, decoded.Length - (response.Body?.Length ?? 0)));
        json.WriteString("mimeType", response.ContentType ?? "");
        if (decoded.Length > 0)
        {
            WriteText(json, decoded, "encoding");
        }

        json.WriteEndObject();
        json.WriteString("redirectURL", response.Head.Get("Location") ?? "");
        json.WriteNumber("headersSize", response.RawHead.Length);
        json.WriteNumber("bodySize", response.BodySize);
        json.WriteEndObject();
    }

    /// <summary>A body as "text": as is when it is text, else base64 with <paramref name="encodingField"/> saying so.</summary>
    private static void WriteText(Utf8JsonWriter json, byte[] body, string encodingField)
    {
        if (BodyFormatter.IsText(body))
        {
            json.WriteString("text", BodyFormatter.AsText(body));
            return;
        }

        json.WriteString("text", Convert.ToBase64String(body));
        json.WriteString(encodingField, "base64");
    }

    private static void WriteHeaders(Utf8JsonWriter json, MessageHead head, bool redact)
    {
        json.WriteStartArray("headers");
        foreach (var (name, value) in head.Headers)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", HeaderRedaction.Value(name, value, redact));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Cookie: "a=1; b=2" gives two; each Set-Cookie gives one (its attributes are in the header list).</summary>
    private static void WriteCookies(Utf8JsonWriter json, MessageHead head, string field, bool redact)
    {
        json.WriteStartArray("cookies");
        foreach (var (name, value) in head.Headers.Where(h => h.Key.Equals(field, StringComparison.OrdinalIgnoreCase)))
        {
            var pairs = field == "Cookie" ? value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [value.Split(';', 2)[0].Trim()];
            foreach (var pair in pairs)
            {
                var parts = pair.Split('=', 2);
                json.WriteStartObject();
                json.WriteString("name", parts[0]);
                json.WriteString("value", redact ? HeaderRedaction.Mask : parts.Length > 1 ? parts[1] : "");
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
    }
}
