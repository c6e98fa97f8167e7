using System.Text.Json;
using System.Text.Json.Serialization;

namespace Burrow.Agent;

/// <summary>
/// What <c>burrow login</c> stores: server, user and token, in <c>$XDG_CONFIG_HOME/burrow/credentials.json</c>
/// (default <c>~/.config/burrow/</c>), readable by the owner only (mode 600). Environment variables
/// BURROW_SERVER, BURROW_USER and BURROW_TOKEN override the file; command-line flags override both.
/// </summary>
public sealed record AgentCredentials(string? Server, string? User, string? Token)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string DefaultPath
    {
        get
        {
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (string.IsNullOrEmpty(config))
            {
                config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            }

            return Path.Combine(config, "burrow", "credentials.json");
        }
    }

    public static AgentCredentials Load(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path))
        {
            return new AgentCredentials(null, null, null);
        }

        try
        {
            return JsonSerializer.Deserialize<AgentCredentials>(File.ReadAllText(path), Json) ?? new AgentCredentials(null, null, null);
        }
        catch (JsonException ex)
        {
            throw new AgentException(AgentExitCode.ConfigError, $"{path} is not valid JSON ({ex.Message}); run 'burrow login' again.", ex);
        }
    }

    /// <summary>Writes the file so that it is never readable by others, not even for a moment.</summary>
    public void Save(string? path = null)
    {
        path ??= DefaultPath;
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only when the file is new; an existing file is tightened too.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Flags over environment over file, field by field.</summary>
    public static AgentCredentials Resolve(string? server, string? user, string? token, string? path = null)
    {
        var file = Load(path);
        return new AgentCredentials(
            server ?? Environment.GetEnvironmentVariable("BURROW_SERVER") ?? file.Server,
            user ?? Environment.GetEnvironmentVariable("BURROW_USER") ?? file.User,
            token ?? Environment.GetEnvironmentVariable("BURROW_TOKEN") ?? file.Token);
    }
}
