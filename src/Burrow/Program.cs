using System.CommandLine;
using Burrow.Commands;

namespace Burrow;

/// <summary>The <c>burrow</c> command: a thin layer over Burrow.Server and Burrow.Agent.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var signals = new ShutdownSignals();
        var root = new RootCommand("burrow: expose a local HTTP server at NAME.your-domain through a self-hosted, encrypted tunnel.")
        {
            ServerCommand.Create(signals),
            HttpCommand.Create(signals),
            StartCommand.Create(signals),
            LoginCommand.Create(),
            UserCommand.Create(),
            TokenCommand.Create(),
            NameCommand.Create(),
            AdminCommand.Create(),
            ReplayCommand.Create(),
        };

        var parse = root.Parse(args);

        // Ctrl-C and SIGTERM are ours (ShutdownSignals): the first cancels the command's token, a second quits now.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Stopping);
    }
}
