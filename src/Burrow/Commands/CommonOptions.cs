using System.CommandLine;

namespace Burrow.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string> DataDirectory() => new("--data")
    {
        Description = "Directory holding burrow.db (accounts, tokens, names).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BURROW__DATADIRECTORY") ?? "burrow-data",
    };

    /// <summary>Prints a one-line error the way every command does, and returns the exit code.</summary>
    public static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"burrow: {message}");
        return exitCode;
    }
}
