using System.Runtime.InteropServices;

namespace Burrow;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the whole process. The first asks the command to stop gracefully
/// (<see cref="Stopping"/>: the agent drains, the server drains its channels); the second asks it to stop now
/// (<see cref="Quitting"/>), and if the command has not ended <see cref="QuitDeadline"/> later the process exits with
/// 130 regardless; a third exits at once. Handled here rather than by System.CommandLine, whose handler blocks the
/// signal thread until the command ends or its timeout passes, so a second Ctrl-C went unheard.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    /// <summary>How long a command has to end after the second signal before the process exits anyway.</summary>
    public static readonly TimeSpan QuitDeadline = TimeSpan.FromSeconds(2);

    /// <summary>The exit code for a stop forced by a second signal: 128 + SIGINT, as shells report an interrupted command.</summary>
    public const int InterruptedExitCode = 130;

    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _quitting = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _signals;

    public ShutdownSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Canceled by the first Ctrl-C or SIGTERM: stop gracefully.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Canceled by the second: stop now.</summary>
    public CancellationToken Quitting => _quitting.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stopping.Dispose();
        _quitting.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Each signal is handled on a thread of its own (PosixSignalRegistration), so canceling here, which runs the
        // commands' callbacks, never delays the next signal.
        context.Cancel = true;
        switch (Interlocked.Increment(ref _signals))
        {
            case 1:
                _stopping.Cancel();
                break;
            case 2:
                _quitting.Cancel();
                _ = Task.Delay(QuitDeadline).ContinueWith(static _ => Environment.Exit(InterruptedExitCode), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                break;
            default:
                Environment.Exit(InterruptedExitCode);
                break;
        }
    }
}
