using System.Security.Cryptography;
using Burrow.Agent.Connection;
using Burrow.Agent.Forwarding;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Registration;
using Burrow.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent;

/// <summary>
/// The agent: registers its tunnels, holds one channel to the server, and pipes every stream the server opens to the
/// matching local server. It reconnects by itself after any loss (exponential backoff with jitter, keeping its
/// names) and stops only on Ctrl-C or a permanent refusal (bad or revoked token, name taken).
/// </summary>
public sealed partial class BurrowAgent
{
    private readonly AgentOptions _options;
    private readonly IAgentObserver _observer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public BurrowAgent(AgentOptions options, IAgentObserver? observer = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _options = options;
        _observer = observer ?? new NullObserver();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<BurrowAgent>();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The tunnels as last assigned by the server (empty until the first registration).</summary>
    public IReadOnlyList<TunnelBinding> Bindings { get; private set; } = [];

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires (then closes the channel with GOAWAY and returns
    /// <see cref="AgentExitCode.Ok"/>) or a permanent error (thrown as <see cref="AgentException"/>).
    /// </summary>
    public async Task<AgentExitCode> RunAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        using var registrar = new RegistrationClient(_options);
        var names = _options.Tunnels.Select(t => t.Name?.ToLowerInvariant()).ToList();
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
                var registration = await registrar.RegisterAsync(names, cancellationToken);
                Bind(registration, names);
                var connection = await ChannelDialer.ConnectAsync(_options, registration, _logger, _time, cancellationToken);

                // Online means routable: the server adds the channel to its routing table before it sends anything on
                // it, so its first record (a PING) says public requests will find us. Telling the user (or a test)
                // sooner raced with that and could earn a first request a 502 "tunnel offline". A channel the server
                // refuses (a GOAWAY as its only record) is never reported online; its close reason says why below.
                connection.Start();
                bool ready;
                try
                {
                    ready = await connection.PeerReady.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await connection.DisposeAsync();
                    throw;
                }

                if (ready)
                {
                    everOnline = true;
                    attempt = 0;
                    delay = _options.InitialReconnectDelay;
                    Log.Online(_logger, string.Join(", ", Bindings.Select(b => b.PublicUrl)));
                    _observer.OnOnline(Bindings);
                }

                var reason = await ServeAsync(connection, cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    _observer.OnStopped("stopped");
                    return AgentExitCode.Ok;
                }

                if (reason.Code == ProtocolErrorCode.Revoked)
                {
                    throw new AgentException(AgentExitCode.AuthFailed, "The server revoked this token and closed the tunnel.");
                }

                lost = reason.Message;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _observer.OnStopped("stopped");
                return AgentExitCode.Ok;
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
                _observer.OnStopped("stopped");
                return AgentExitCode.Ok;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Serves streams until the channel closes; on cancellation, says GOAWAY and lets open streams finish.</summary>
    private async Task<MuxCloseReason> ServeAsync(MuxConnection connection, CancellationToken cancellationToken)
    {
        var forwarder = new LocalForwarder(_options, _observer, _time);
        var byHost = Bindings.ToDictionary(b => b.PublicHost, StringComparer.OrdinalIgnoreCase);
        await using var stop = cancellationToken.Register(() => _ = connection.GoAwayAsync("agent stopping", CancellationToken.None));
        while (await connection.AcceptStreamAsync(CancellationToken.None) is { } stream)
        {
            if (!byHost.TryGetValue(stream.Host, out var binding))
            {
                stream.Reset(ProtocolErrorCode.UnknownTunnel, $"this agent does not serve {stream.Host}");
                await stream.DisposeAsync();
                continue;
            }

            _ = forwarder.ForwardAsync(stream, binding);
        }

        return await connection.Completion;
    }

    /// <summary>Maps the server's names back to local targets; keeps assigned random names for reconnects.</summary>
    private void Bind(RegistrationResponse registration, List<string?> names)
    {
        var bindings = new List<TunnelBinding>();
        var assigned = registration.Names ?? [];
        for (var i = 0; i < _options.Tunnels.Count && i < assigned.Count; i++)
        {
            var target = _options.Tunnels[i];
            var name = names[i] ?? assigned.FirstOrDefault(n => !names.Contains(n)) ?? assigned[i];
            names[i] = name;
            var index = assigned.ToList().IndexOf(name);
            var url = index >= 0 && index < registration.Urls.Count ? registration.Urls[index] : registration.Url;
            bindings.Add(new TunnelBinding(name, new Uri(url).Host, url, target));
        }

        Bindings = bindings;
    }

    private static TimeSpan Jitter(TimeSpan delay)
    {
        // "Equal jitter": half the delay fixed, half random, so a restarted server is not hit by every agent at once.
        var half = delay.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)(RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0 * half));
    }

    private sealed class NullObserver : IAgentObserver;

    private static partial class Log
    {
        [LoggerMessage(LogEventIds.AgentOnline, LogLevel.Information, "Online: {Urls}")]
        public static partial void Online(ILogger logger, string urls);

        [LoggerMessage(LogEventIds.AgentReconnecting, LogLevel.Warning, "Reconnecting in {Seconds:0.0} s: {Reason}")]
        public static partial void Reconnecting(ILogger logger, double seconds, string reason);

        [LoggerMessage(LogEventIds.AgentPermanentError, LogLevel.Error, "Stopping: {Reason}")]
        public static partial void PermanentError(ILogger logger, string reason);
    }
}
