using Microsoft.Extensions.Configuration;

namespace Burrow.Commands;

/// <summary>
/// Server settings come from, in rising precedence: burrow.json (or --config FILE), environment variables
/// BURROW__KEY (BURROW__MUX__MAXCONCURRENTSTREAMS for nested keys), then command-line flags. Keys are the property
/// names of the server's options classes (<c>burrow server --help</c>); the server rejects unknown keys and bad values
/// with one line naming the key.
/// </summary>
internal static class ServerConfiguration
{
    public const string DefaultFile = "burrow.json";

    public static IConfiguration Load(string? configFile, IEnumerable<KeyValuePair<string, string?>> commandLine)
    {
        var builder = new ConfigurationBuilder();
        var file = Path.GetFullPath(configFile ?? DefaultFile);
        if (configFile is not null && !File.Exists(file))
        {
            throw new InvalidOperationException($"--config: {file} does not exist.");
        }

        builder.AddJsonFile(file, optional: true, reloadOnChange: false);
        builder.AddEnvironmentVariables("BURROW__");
        builder.AddInMemoryCollection(commandLine);
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new InvalidOperationException($"{file}: {ex.Message}", ex);
        }
    }
}
