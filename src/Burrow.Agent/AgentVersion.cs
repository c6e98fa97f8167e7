using System.Reflection;

namespace Burrow.Agent;

/// <summary>The agent's version as it introduces itself to the server (User-Agent: burrow-agent/VERSION).</summary>
internal static class AgentVersion
{
    /// <summary>The informational version without its source-revision suffix, e.g. "1.0.0".</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var version = typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
