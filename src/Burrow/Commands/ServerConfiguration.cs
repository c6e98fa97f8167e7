using Burrow.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Burrow.Commands;

/// <summary>
/// Server settings come from, in rising precedence: burrow.json (or --config FILE), environment variables
/// BURROW__KEY (BURROW__MUX__MAXCONCURRENTSTREAMS for nested keys), then command-line flags. Keys are the property
/// names of <see cref="BurrowServerOptions"/>. An unknown key or a bad value fails with one line naming the key.
/// </summary>
internal static class ServerConfiguration
{
    public const string DefaultFile = "burrow.json";

    public static BurrowServerOptions Load(string? configFile, IEnumerable<KeyValuePair<string, string?>> commandLine)
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
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new InvalidOperationException($"{file}: {ex.Message}", ex);
        }

        var options = new BurrowServerOptions();
        try
        {
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key ("Failed to convert configuration value at 'HttpPort' to type 'System.Int32'").
            throw new InvalidOperationException(ex.InnerException is null ? ex.Message : $"{ex.Message} ({ex.InnerException.Message})", ex);
        }

        return options.Validate();
    }
}
