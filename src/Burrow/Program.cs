using System.CommandLine;
using Burrow.Commands;

namespace Burrow;

/// <summary>The <c>burrow</c> command: a thin layer over Burrow.Server and Burrow.Agent.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("burrow: expose a local HTTP server at NAME.your-domain through a self-hosted, encrypted tunnel.")
        {
            ServerCommand.Create(),
            HttpCommand.Create(),
            StartCommand.Create(),
            LoginCommand.Create(),
            UserCommand.Create(),
            TokenCommand.Create(),
            NameCommand.Create(),
            AdminCommand.Create(),
            ReplayCommand.Create(),
        };

        var parse = root.Parse(args);

        // Ctrl-C and SIGTERM cancel the command's token; give the graceful GOAWAY drain time before the process is ended.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
    }
}
