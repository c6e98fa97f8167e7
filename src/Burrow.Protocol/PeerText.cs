using System.Globalization;
using System.Text;

namespace Burrow.Protocol;

/// <summary>
/// Text a peer chose (a GOAWAY or RESET reason, a user name, a host) made safe to write into a log line: control
/// characters (CR and LF above all, which would let a peer forge whole log lines) become \uXXXX escapes, and the
/// text is cut at a bound so a peer cannot fill the log either.
/// </summary>
public static class PeerText
{
    public const int MaxLength = 256;

    /// <summary>The text with control characters escaped, cut after <paramref name="maxLength"/> characters.</summary>
    public static string Escape(string? text, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var needs = text.Length > maxLength;
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, maxLength)))
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                _ = c switch
                {
                    '\r' => builder.Append("\\r"),
                    '\n' => builder.Append("\\n"),
                    '\t' => builder.Append("\\t"),
                    _ => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                };
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > maxLength)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }
}
