using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent.Connection;

/// <summary>
/// Runs channel sessions one after another until Ctrl-C or a permanent refusal: after a loss it waits (exponential
/// backoff with equal jitter, reset once a session was online) and tries again; if the server was never reached
/// within <see cref="AgentOptions.GiveUpIfNeverConnected"/> it gives up. Once online, it retries for ever.
/// </summary>
internal sealed partial class ReconnectLoop
{
    private readonly AgentOptions _options;
    private readonly IAgentObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ReconnectLoop(AgentOptions options, IAgentObserver observer, TimeProvider time, ILogger logger)
    {
        _options = options;
        _observer = observer;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Runs <paramref name="session"/> (given the attempt number) until <paramref name="cancellationToken"/> fires
    /// (returns <see cref="AgentExitCode.Ok"/>) or a permanent <see cref="AgentException"/>, which it rethrows.
    /// </summary>
    public async Task<AgentExitCode> RunAsync(Func<int, CancellationToken, Task<SessionOutcome>> session, CancellationToken cancellationToken)
    {
        var delay = _options.InitialReconnectDelay;
        var started = _time.GetTimestamp();
        var everOnline = false;
        var attempt = 0;
        while (true)
        {
            string lost;
            try
            {
                _observer.OnConnecting(_options.Server!, attempt);
                var outcome = await session(attempt, cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    return Stopped();
                }

                if (outcome.WasOnline)
                {
                    everOnline = true;
                    attempt = 0;
                    delay = _options.InitialReconnectDelay;
                }

                lost = outcome.LostReason;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Stopped();
            }
            catch (AgentException ex) when (ex.IsPermanent)
            {
                Log.PermanentError(_logger, ex.Message);
                _observer.OnStopped(ex.Message);
                throw;
            }
            catch (AgentException ex)
            {
                lost = ex.Message;
            }

            if (!everOnline && _time.GetElapsedTime(started) > _options.GiveUpIfNeverConnected)
            {
                var message = $"Giving up: {lost}";
                _observer.OnStopped(message);
                throw new AgentException(AgentExitCode.ServerUnreachable, message);
            }

            attempt++;
            var wait = Jitter(delay);
            Log.Reconnecting(_logger, wait.TotalSeconds, lost);
            _observer.OnReconnecting(wait, lost, attempt);
            try
            {
                await Task.Delay(wait, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return Stopped();
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private AgentExitCode Stopped()
    {
        Log.Stopped(_logger);
        _observer.OnStopped(null);
        return AgentExitCode.Ok;
    }

    private static TimeSpan Jitter(TimeSpan delay)
    {
        // "Equal jitter": half the delay fixed, half random, so a restarted server is not hit by every agent at once.
        var half = delay.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)(RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0 * half));
    }

    private static partial class Log
    {
        // Information, not Warning: a server restart or a network change is an ordinary event the agent handles itself.
        [LoggerMessage(AgentEventIds.AgentReconnecting, LogLevel.Information, "Reconnecting in {Seconds:0.0} s: {Reason}")]
        public static partial void Reconnecting(ILogger logger, double seconds, string reason);

        [LoggerMessage(AgentEventIds.AgentPermanentError, LogLevel.Error, "Stopping: {Reason}")]
        public static partial void PermanentError(ILogger logger, string reason);

        [LoggerMessage(AgentEventIds.AgentStopped, LogLevel.Information, "Stopped")]
        public static partial void Stopped(ILogger logger);
    }
}
