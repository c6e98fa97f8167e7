using System.Text;
using Burrow.Agent.Inspection.Display;

namespace Burrow.Agent.Inspection.Export;

/// <summary>
/// A shell command that sends a captured request again through the public URL, for "copy as curl". Headers the edge
/// or curl sets itself (X-Forwarded-*, Host when the URL names it, framing) are left out; credentials are redacted
/// unless asked. Arguments are single-quoted for POSIX shells.
/// </summary>
internal static class CurlCommand
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    /// <param name="inspector">The inspector's base URL, for fetching a binary body.</param>
    public static string Build(ExchangeView view, bool redact, string inspector)
    {
        var request = view.Request;
        var url = new Uri(view.Url);
        var command = new StringBuilder("curl");
        if (view.Exchange.Method != "GET" || request.Body is { Length: > 0 })
        {
            command.Append(" -X ").Append(Quote(view.Exchange.Method));
        }

        command.Append(' ').Append(Quote(view.Url));
        foreach (var (name, value) in request.Head.Headers)
        {
            if (Skipped.Contains(name) || (name.Equals("Host", StringComparison.OrdinalIgnoreCase) && value.Equals(url.Authority, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            command.Append(" \\\n  -H ").Append(Quote($"{name}: {HeaderRedaction.Value(name, value, redact)}"));
        }

        if (request.Body is { Length: > 0 } body)
        {
            if (BodyFormatter.IsText(body) && !body.Contains((byte)0))
            {
                command.Append(" \\\n  --data-binary ").Append(Quote(Encoding.UTF8.GetString(body)));
            }
            else
            {
                // Binary bodies do not survive a command line: fetch them from the inspector first.
                command.Insert(0, $"curl -s -o body.bin '{inspector.TrimEnd('/')}/api/requests/{view.Exchange.Id}/request/body'\n");
                command.Append(" \\\n  --data-binary @body.bin");
            }
        }

        return command.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
