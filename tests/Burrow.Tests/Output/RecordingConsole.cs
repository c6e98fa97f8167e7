using Spectre.Console;

namespace Burrow.Tests.Output;

/// <summary>A wide, colourless, non-interactive console that records what Spectre.Console draws, for console tests.</summary>
internal static class RecordingConsole
{
    public static IAnsiConsole Create(StringWriter screen)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(screen),
        });
        console.Profile.Width = 200;
        return console;
    }
}
