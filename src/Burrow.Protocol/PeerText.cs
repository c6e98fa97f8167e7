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

    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var needs = text.Length > MaxLength;
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

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength) + 16);
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, MaxLength)))
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > MaxLength)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }
}
