using System.Text.Json;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;

namespace Burrow.Agent.Inspection.Web;

/// <summary>The JSON shapes of the inspector API (docs/inspector.md), written directly: no reflection, no surprises.</summary>
internal static class ExchangeJson
{
    /// <summary>Characters of a body's text in a list entry (the detail has it all).</summary>
    public const int PreviewLength = 4096;

    /// <summary>Bytes of a body read for a list entry's preview: enough for 4,096 characters, even compressed.</summary>
    public const int PreviewBytes = 64 * 1024;

    public static void WriteSummary(Utf8JsonWriter json, CapturedExchange exchange)
    {
        json.WriteNumber("id", exchange.Id);
        json.WriteString("tunnel", exchange.Tunnel.Name);
        json.WriteString("method", exchange.Method);
        json.WriteString("path", exchange.Path);
        json.WriteNumber("status", exchange.Status);
        json.WriteString("state", exchange.State switch
        {
            ExchangeState.InProgress => "in-progress",
            ExchangeState.Upgraded => "upgraded",
            ExchangeState.Aborted => "aborted",
            _ => "complete",
        });
        json.WriteString("startedAt", exchange.StartedAt);
        WriteMilliseconds(json, "durationMs", exchange.Duration);
        WriteMilliseconds(json, "timeToFirstByteMs", exchange.TimeToFirstByte);
        json.WriteString("clientAddress", exchange.ClientAddress);
        json.WriteNumber("requestSize", exchange.Request.BodySize);
        json.WriteNumber("responseSize", exchange.Response.BodySize);
        json.WriteBoolean("truncated", exchange.Truncated);
        if (exchange.ReplayOf is { } original)
        {
            json.WriteNumber("replayOf", original);
        }
        else
        {
            json.WriteNull("replayOf");
        }

        if (exchange.Upgrade is { } upgrade)
        {
            json.WriteStartObject("upgrade");
            json.WriteString("protocol", upgrade.Protocol);
            if (upgrade.IsWebSocket)
            {
                json.WriteNumber("messagesIn", upgrade.Inbound.Messages);
                json.WriteNumber("messagesOut", upgrade.Outbound.Messages);
            }

            json.WriteNumber("bytesIn", upgrade.Inbound.Bytes);
            json.WriteNumber("bytesOut", upgrade.Outbound.Bytes);
            json.WriteEndObject();
        }
    }

    /// <summary>Summary fields plus both messages: headers (sensitive values masked unless <paramref name="reveal"/>), bodies, raw heads.</summary>
    public static void WriteDetail(Utf8JsonWriter json, ExchangeView view, bool reveal, int bodyTextLimit)
    {
        WriteSummary(json, view.Exchange);
        json.WriteString("url", view.Url);
        json.WritePropertyName("request");
        WriteMessage(json, view.Request, reveal, bodyTextLimit);
        json.WritePropertyName("response");
        WriteMessage(json, view.Response, reveal, bodyTextLimit);
    }

    private static void WriteMessage(Utf8JsonWriter json, MessageView message, bool reveal, int bodyTextLimit)
    {
        json.WriteStartObject();
        json.WriteString("startLine", message.Head.StartLine);
        json.WriteString("httpVersion", message.Head.Version);
        json.WriteStartArray("headers");
        foreach (var (name, value) in message.Head.Headers)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", HeaderRedaction.Value(name, value, redact: !reveal));
            if (HeaderRedaction.IsSensitive(name))
            {
                json.WriteBoolean("sensitive", true);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("rawHead", reveal ? message.RawHeadText : HeaderRedaction.RedactRaw(message.RawHeadText));
        json.WritePropertyName("body");
        WriteBody(json, message, bodyTextLimit);
        json.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter json, MessageView message, int textLimit)
    {
        json.WriteStartObject();
        json.WriteNumber("size", message.BodySize);
        json.WriteNumber("captured", message.Captured);
        json.WriteBoolean("truncated", message.Truncated);
        json.WriteBoolean("complete", message.Body is not null);
        json.WriteString("contentType", message.ContentType);
        json.WriteString("contentEncoding", message.ContentEncoding);
        var (body, decoded, error) = message.Decoded();
        json.WriteBoolean("decoded", decoded);
        if (error is not null)
        {
            json.WriteString("decodeError", error);
        }

        var kind = BodyFormatter.Classify(message.ContentType, body);
        json.WriteString("kind", kind.ToString().ToLowerInvariant());
        if (BodyFormatter.Format(kind, body) is { } text)
        {
            json.WriteString("text", text.Length > textLimit ? text[..textLimit] : text);
            json.WriteBoolean("textCut", text.Length > textLimit || (message.Body?.Length ?? 0) < message.Captured);
        }
        else if (kind == BodyKind.Binary)
        {
            json.WriteString("hex", BodyFormatter.HexView(body));
        }

        json.WriteEndObject();
    }

    private static void WriteMilliseconds(Utf8JsonWriter json, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v.TotalMilliseconds, 2));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
