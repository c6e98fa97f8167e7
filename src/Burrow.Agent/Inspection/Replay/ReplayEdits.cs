using System.Text;
using System.Text.Json;

namespace Burrow.Agent.Inspection.Replay;

/// <summary>
/// Changes to a request before it is replayed (the body of POST /api/requests/{id}/replay): any of method, path,
/// headers (the whole list, replacing the captured one) and body (text, or base64 in bodyBase64). Everything is
/// checked against RFC 9110/9112 syntax, so an edit can never smuggle a second request or a header into the first.
/// </summary>
internal sealed class ReplayEdits
{
    /// <summary>Largest edit accepted (the body plus JSON around it).</summary>
    public const int MaxSize = 8 * 1024 * 1024;

    public string? Method { get; private init; }

    public string? Path { get; private init; }

    public List<KeyValuePair<string, string>>? Headers { get; private init; }

    public byte[]? Body { get; private init; }

    public static ReplayEdits None { get; } = new();

    /// <summary>Parses and validates; throws <see cref="ReplayException"/> (400) naming the first problem.</summary>
    public static ReplayEdits Parse(ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return None;
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad("the body must be a JSON object");
            }

            var method = OptionalString(root, "method");
            if (method is not null && (method.Length is 0 or > 32 || !method.All(IsTokenChar)))
            {
                throw Bad("method must be an HTTP token such as GET or POST");
            }

            var path = OptionalString(root, "path");
            if (path is not null && (path.Length is 0 or > 8192 || !(path[0] == '/' || path == "*") || path.Any(c => c <= ' ' || c >= 0x7F)))
            {
                throw Bad("path must start with '/' and contain no spaces or control characters (percent-encode them)");
            }

            return new ReplayEdits { Method = method, Path = path, Headers = ParseHeaders(root), Body = ParseBody(root) };
        }
        catch (JsonException ex)
        {
            throw Bad($"the body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw Bad(ex.Message);
        }
    }

    private static List<KeyValuePair<string, string>>? ParseHeaders(JsonElement root)
    {
        if (!root.TryGetProperty("headers", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Bad("headers must be an array of {\"name\": ..., \"value\": ...}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var item in list.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.Object ? OptionalString(item, "name") : null;
            var value = item.ValueKind == JsonValueKind.Object ? OptionalString(item, "value") ?? "" : null;
            if (name is null || value is null)
            {
                throw Bad("each header needs a \"name\" and a \"value\"");
            }

            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                throw Bad($"'{Escape(name)}' is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
            }

            // RFC 9110 section 5.5: field values never hold CR, LF or NUL.
            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                throw Bad($"the value of {name} contains a line break or NUL");
            }

            headers.Add(new(name, value.Trim()));
        }

        return headers;
    }

    private static byte[]? ParseBody(JsonElement root)
    {
        var text = OptionalString(root, "body");
        var base64 = OptionalString(root, "bodyBase64");
        if (text is not null && base64 is not null)
        {
            throw Bad("give body or bodyBase64, not both");
        }

        if (base64 is null)
        {
            return text is null ? null : Encoding.UTF8.GetBytes(text);
        }

        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Bad("bodyBase64 is not base64");
        }
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Bad($"{name} must be a string");
    }

    /// <summary>RFC 9110 section 5.6.2 tchar.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static string Escape(string value) => new([.. value.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);

    private static ReplayException Bad(string message) => new(400, message);
}
