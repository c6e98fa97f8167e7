using Burrow.Agent.Forwarding;
using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent;

/// <summary>
/// Ctrl-C. The person at the keyboard wants the agent gone soon, and the browsers on the other end want to know: so the
/// agent sends GOAWAY (the server routes nothing new here and refuses new streams), closes every upgraded connection at
/// once (a WebSocket never ends by itself, and a dev server's HMR client reconnects as soon as it sees the close), and
/// waits for ordinary requests in flight, at most <see cref="AgentOptions.DrainTimeout"/>. The server closes the channel
/// once its own count of them is zero (Channels/TunnelChannel), which ends the wait; <see cref="StopNow"/> ends it at once.
/// </summary>
public sealed partial class BurrowAgent
{
    private readonly TaskCompletionSource _stopNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _cutShort;

    /// <summary>
    /// Cuts the drain short (the second Ctrl-C): the channel closes now and requests still in flight are cut off;
    /// <see cref="RunAsync"/> then returns <see cref="AgentExitCode.Interrupted"/>. Before the drain starts it only
    /// makes that drain end at once.
    /// </summary>
    public void StopNow() => _stopNow.TrySetResult();

    private async Task DrainWhenStoppedAsync(AgentMuxConnection connection, ForwardedConnections connections, CancellationToken stop)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (stop.Register(() => stopped.TrySetResult()))
        {
            if (await Task.WhenAny(stopped.Task, connection.Completion) != stopped.Task)
            {
                return;
            }
        }

        connection.GoAway(ForwardedConnections.StoppingReason);
        var upgraded = connections.BeginDrain(requests => _observer.OnDraining(requests));
        Log.Draining(_logger, upgraded, connections.RequestsInFlight(), _options.DrainTimeout.TotalSeconds);

        using var stopWaiting = new CancellationTokenSource();
        var timeout = Task.Delay(_options.DrainTimeout, _time, stopWaiting.Token);
        var first = await Task.WhenAny(connection.Completion, timeout, _stopNow.Task);
        await stopWaiting.CancelAsync();
        if (!connection.Completion.IsCompleted)
        {
            if (first == _stopNow.Task)
            {
                _cutShort = true;
                Log.DrainCutShort(_logger, connections.RequestsInFlight());
            }
            else
            {
                Log.DrainTimedOut(_logger, _options.DrainTimeout.TotalSeconds, connections.RequestsInFlight());
            }
        }

        connection.Abort(ProtocolErrorCode.NoError, "the agent stopped");
    }

    private static partial class Log
    {
        [LoggerMessage(AgentEventIds.AgentDraining, LogLevel.Information, "Stopping: GOAWAY sent, {Upgraded} upgraded connections closed, waiting up to {Seconds} s for {Requests} requests in flight")]
        public static partial void Draining(ILogger logger, int upgraded, int requests, double seconds);

        [LoggerMessage(AgentEventIds.AgentDrainCutShort, LogLevel.Information, "Stopping now: {Requests} requests in flight cut off")]
        public static partial void DrainCutShort(ILogger logger, int requests);

        [LoggerMessage(AgentEventIds.AgentDrainTimedOut, LogLevel.Information, "Stopping: {Requests} requests still in flight after the {Seconds} s drain timeout were cut off")]
        public static partial void DrainTimedOut(ILogger logger, double seconds, int requests);
    }
}
