using System.Text;

namespace Burrow.Agent.Inspection.Display;

/// <summary>A captured head taken apart: the start line and the header fields, in order, duplicates kept.</summary>
internal sealed class MessageHead
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private MessageHead(string startLine, List<KeyValuePair<string, string>> headers)
    {
        StartLine = startLine;
        Headers = headers;
    }

    public string StartLine { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The HTTP version of the start line ("HTTP/1.1"), for either a request or a response.</summary>
    public string Version
    {
        get
        {
            var parts = StartLine.Split(' ', 3);
            return parts.FirstOrDefault(p => p.StartsWith("HTTP/", StringComparison.Ordinal)) ?? "HTTP/1.1";
        }
    }

    /// <summary>The reason phrase of a response's status line ("OK"), or "".</summary>
    public string Reason => StartLine.Split(' ', 3) is [_, _, var reason] ? reason : "";

    public static MessageHead Empty { get; } = new("", []);

    /// <summary>
    /// Parses a head as captured (start line, field lines, blank line). Field values are shown as UTF-8 when they are
    /// valid UTF-8 and as Latin-1 otherwise (RFC 9110 section 5.5: octets outside ASCII are opaque).
    /// </summary>
    public static MessageHead Parse(ReadOnlySpan<byte> raw)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.Latin1.GetString(raw);
        }

        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l.Length == 0).ToList();
        if (lines.Count == 0)
        {
            return Empty;
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).TakeWhile(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return new MessageHead(lines[0], headers);
    }

    /// <summary>The first value of a field (names compared case-insensitively), or null.</summary>
    public string? Get(string name)
        => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } h ? h.Value : null;
}
