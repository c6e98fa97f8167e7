using Burrow.Agent;
using Burrow.Agent.Inspection.Capture;

namespace Burrow.Testing;

/// <summary>An in-process <see cref="BurrowAgent"/> running in the background until disposed.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private RunningAgent(AgentOptions options, ExchangeStore? capture)
    {
        Observer = new RecordingObserver();
        Agent = new BurrowAgent(options, Observer) { Capture = capture };
        Run = Task.Run(() => Agent.RunAsync(_stop.Token));
    }

    public BurrowAgent Agent { get; }

    public RecordingObserver Observer { get; }

    /// <summary>The agent's run: completes with its exit code or faults with its <see cref="AgentException"/>.</summary>
    public Task<AgentExitCode> Run { get; }

    public string Name => Agent.Bindings[0].Name;

    public static RunningAgent Start(AgentOptions options) => new(options, null);

    /// <summary>Starts an agent that taps every connection into a request inspector's store.</summary>
    internal static RunningAgent Start(AgentOptions options, ExchangeStore? capture) => new(options, capture);

    public async Task WaitOnlineAsync(TimeSpan? timeout = null)
    {
        var online = Observer.Online;
        var finished = await Task.WhenAny(online, Run).WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
        if (finished == Run)
        {
            await Run;
            throw new InvalidOperationException("The agent stopped before it was online.");
        }
    }

    /// <summary>Ctrl-C: starts the drain and returns at once; <see cref="Run"/> completes when the agent has stopped.</summary>
    public Task InterruptAsync() => _stop.CancelAsync();

    public async Task<AgentExitCode> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            try
            {
                await StopAsync();
            }
            catch (Exception ex) when (ex is AgentException or TimeoutException)
            {
            }
        }

        _stop.Dispose();
    }
}
