namespace Burrow.Agent.Inspection.Display;

/// <summary>
/// Fields that carry credentials: shown masked until clicked, and replaced in exports unless asked. Proxy-Authorization
/// joins the three the issue names, being the same kind of secret.
/// </summary>
internal static class HeaderRedaction
{
    public const string Mask = "[redacted]";

    public static bool IsSensitive(string name)
        => name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);

    public static string Value(string name, string value, bool redact) => redact && IsSensitive(name) ? Mask : value;

    /// <summary>A raw head with the values of sensitive fields replaced.</summary>
    public static string RedactRaw(string head)
    {
        var lines = head.Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && IsSensitive(lines[i][..colon].Trim()))
            {
                lines[i] = lines[i][..colon] + ": " + Mask + (lines[i].EndsWith('\r') ? "\r" : "");
            }
        }

        return string.Join('\n', lines);
    }
}
