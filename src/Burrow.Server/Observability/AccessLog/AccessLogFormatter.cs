using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Burrow.Server.Observability.AccessLog;

/// <summary>
/// Writes entries as lines: JSON (one object per line, every field) or the NCSA common/combined formats (Apache's
/// <c>%h %l %u %t "%r" %&gt;s %b</c> [<c>"%{Referer}i" "%{User-agent}i"</c>]). In the NCSA formats a quote, a
/// backslash or a control character inside a quoted field is escaped (<c>\"</c>, <c>\\</c>, <c>\xHH</c>), as
/// Apache's mod_log_config does, so a visitor's path or user agent cannot end the line or forge another.
/// </summary>
internal sealed class AccessLogFormatter
{
    private readonly AccessLogFormat _format;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly StringBuilder _text = new(512);

    public AccessLogFormatter(AccessLogFormat format)
    {
        _format = format;
    }

    /// <summary>The line for <paramref name="entry"/>, newline included; valid until the next call.</summary>
    public ReadOnlySpan<byte> Format(AccessLogEntry entry)
    {
        _buffer.ResetWrittenCount();
        if (_format == AccessLogFormat.Json)
        {
            WriteJson(entry);
        }
        else
        {
            WriteNcsa(entry);
        }

        _buffer.Write("\n"u8);
        return _buffer.WrittenSpan;
    }

    private void WriteJson(AccessLogEntry entry)
    {
        // The default encoder escapes control characters and non-ASCII, so a line is always one line.
        using var json = new Utf8JsonWriter(_buffer);
        json.WriteStartObject();
        json.WriteString("time", entry.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteString("host", entry.Host);
        json.WriteString("tunnel", entry.Tunnel);
        json.WriteString("user", entry.User);
        json.WriteString("client", entry.Client);
        json.WriteString("method", entry.Method);
        json.WriteString("path", entry.Path);
        json.WriteString("protocol", entry.Protocol);
        json.WriteNumber("status", entry.Status);
        json.WriteNumber("bytes_in", entry.BytesIn);
        json.WriteNumber("bytes_out", entry.BytesOut);
        json.WriteNumber("duration_ms", Math.Round(entry.DurationMs, 3));
        json.WriteString("user_agent", entry.UserAgent);
        json.WriteString("referer", entry.Referer);
        json.WriteString("request_id", entry.RequestId);
        if (entry.TraceId is not null)
        {
            json.WriteString("trace_id", entry.TraceId);
        }

        json.WriteEndObject();
    }

    private void WriteNcsa(AccessLogEntry entry)
    {
        var text = _text.Clear();
        text.Append(entry.Client).Append(" - ");
        Field(text, entry.User);
        text.Append(" [").Append(entry.Time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)).Append(" +0000] \"");
        Escaped(text, entry.Method);
        text.Append(' ');
        Escaped(text, entry.Path);
        text.Append(' ');
        Escaped(text, entry.Protocol);
        text.Append("\" ").Append(entry.Status.ToString(CultureInfo.InvariantCulture)).Append(' ');
        text.Append(entry.BytesOut > 0 ? entry.BytesOut.ToString(CultureInfo.InvariantCulture) : "-");
        if (_format == AccessLogFormat.Combined)
        {
            text.Append(" \"");
            Escaped(text, string.IsNullOrEmpty(entry.Referer) ? "-" : entry.Referer);
            text.Append("\" \"");
            Escaped(text, string.IsNullOrEmpty(entry.UserAgent) ? "-" : entry.UserAgent);
            text.Append('"');
        }

        foreach (var chunk in text.GetChunks())
        {
            var span = chunk.Span;
            var bytes = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(span.Length));
            _buffer.Advance(Encoding.UTF8.GetBytes(span, bytes));
        }
    }

    private static void Field(StringBuilder text, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            text.Append('-');
            return;
        }

        Escaped(text, value);
    }

    private static void Escaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
    }
}
