using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace Burrow.Agent.Inspection.Display;

/// <summary>
/// Turns a (decoded) body into something to read: JSON, form and XML bodies pretty-printed, other text as is,
/// images left to the browser, anything else as a hex view of its start.
/// </summary>
internal static class BodyFormatter
{
    /// <summary>Bytes of a binary body shown in hex.</summary>
    public const int HexViewLimit = 4096;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static BodyKind Classify(string? contentType, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return BodyKind.Empty;
        }

        var media = (contentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();
        if (media.StartsWith("image/", StringComparison.Ordinal))
        {
            return BodyKind.Image;
        }

        if (media is "application/json" or "text/json" || media.EndsWith("+json", StringComparison.Ordinal))
        {
            return BodyKind.Json;
        }

        if (media == "application/x-www-form-urlencoded")
        {
            return BodyKind.Form;
        }

        if (media is "application/xml" or "text/xml" || media.EndsWith("+xml", StringComparison.Ordinal))
        {
            return BodyKind.Xml;
        }

        return IsText(body) ? BodyKind.Text : BodyKind.Binary;
    }

    /// <summary>The text to show for a body of this kind (pretty when it parses, as sent when not), or null for images and binary.</summary>
    public static string? Format(BodyKind kind, byte[] body) => kind switch
    {
        BodyKind.Json => PrettyJson(body) ?? AsText(body),
        BodyKind.Form => PrettyForm(AsText(body)),
        BodyKind.Xml => PrettyXml(AsText(body)) ?? AsText(body),
        BodyKind.Text => AsText(body),
        BodyKind.Empty => "",
        _ => null,
    };

    /// <summary>Classic hex view (offset, 16 bytes, ASCII) of up to <see cref="HexViewLimit"/> bytes.</summary>
    public static string HexView(ReadOnlySpan<byte> body)
    {
        var shown = body[..Math.Min(body.Length, HexViewLimit)];
        var text = new StringBuilder();
        for (var offset = 0; offset < shown.Length; offset += 16)
        {
            var row = shown.Slice(offset, Math.Min(16, shown.Length - offset));
            text.Append(offset.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                text.Append(i < row.Length ? row[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + " " : "   ");
            }

            text.Append(' ');
            foreach (var b in row)
            {
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public static string AsText(byte[] body) => Encoding.UTF8.GetString(body);

    /// <summary>Valid UTF-8 without control characters other than tab, CR and LF.</summary>
    public static bool IsText(ReadOnlySpan<byte> body)
    {
        try
        {
            var text = StrictUtf8.GetString(body);
            return !text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n'));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string? PrettyJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var output = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(output.WrittenSpan);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string PrettyForm(string body)
    {
        var lines = body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var parts = pair.Split('=', 2);
            return Unescape(parts[0]) + " = " + (parts.Length > 1 ? Unescape(parts[1]) : "");
        });
        return string.Join('\n', lines);
    }

    /// <summary>A URL-encoded form or query component decoded ('+' is a space); left as is if malformed.</summary>
    public static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    private static string? PrettyXml(string body)
    {
        try
        {
            // No DTDs: a document type could expand entities without bound (and has no business in a display).
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(body), settings);
            return XDocument.Load(reader).ToString();
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
