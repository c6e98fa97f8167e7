using System.Text;

namespace Burrow.Server.Acme;

/// <summary>Text from outside (a CA's problem detail, a hook's stderr) made safe for one log line: control characters escaped, length capped.</summary>
internal static class LogText
{
    public static string Escape(string? text, int maxLength = 1000)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        foreach (var c in text)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            if (char.IsControl(c))
            {
                builder.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => $"\\u{(int)c:x4}" });
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
