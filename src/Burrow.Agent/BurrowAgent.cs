using Burrow.Agent.Connection;
using Burrow.Agent.Forwarding;
using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Agent;

/// <summary>
/// The agent: registers its tunnels, holds one channel to the server, and pipes every stream the server opens to the
/// matching local server. It reconnects by itself after any loss (<see cref="ReconnectLoop"/>, keeping its names) and
/// stops only on Ctrl-C or a permanent refusal (bad or revoked token, name taken, replaced by another agent). Ctrl-C
/// drains (BurrowAgent.Drain.cs): upgraded connections close at once, requests in flight get
/// <see cref="AgentOptions.DrainTimeout"/>, and <see cref="StopNow"/> cuts that short.
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

    /// <summary>The request inspector's store, or null when it is off: every forwarded connection is tapped into it.</summary>
    internal Inspection.Capture.ExchangeStore? Capture { get; init; }

    /// <summary>The tunnels as last assigned by the server (empty until the first registration).</summary>
    public IReadOnlyList<TunnelBinding> Bindings { get; private set; } = [];

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires (then drains the channel and returns
    /// <see cref="AgentExitCode.Ok"/>, or <see cref="AgentExitCode.Interrupted"/> when <see cref="StopNow"/> cut the
    /// drain short) or a permanent error (thrown as <see cref="AgentException"/>).
    /// </summary>
    public async Task<AgentExitCode> RunAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        using var registrar = new RegistrationClient(_options);
        var names = _options.Tunnels.Select(t => t.Name is null ? null : AsciiName(t.Name)).ToList();
        var loop = new ReconnectLoop(_options, _observer, _time, _logger);
        var code = await loop.RunAsync((_, token) => RunSessionAsync(registrar, names, token), cancellationToken);
        return code == AgentExitCode.Ok && _cutShort ? AgentExitCode.Interrupted : code;
    }

    /// <summary>One channel, from registration to its end.</summary>
    private async Task<SessionOutcome> RunSessionAsync(RegistrationClient registrar, List<string?> names, CancellationToken cancellationToken)
    {
        var registration = await registrar.RegisterAsync(names, cancellationToken);
        Bind(registration, names);
        await using var connection = await ChannelDialer.ConnectAsync(_options, registration, _logger, _time, cancellationToken);

        // The server's GOAWAY says in its words why it closes the channel (shutting down, revoked, replaced).
        string? serverSaid = null;
        connection.GoAwayReceived += (_, _, said) => serverSaid = said;

        // Online means routable: the server adds the channel to its routing table before it sends anything on it, so
        // its first record (a PING) says public requests will find us. Telling the user (or a test) sooner raced with
        // that and could earn a first request a 502 "tunnel offline". A channel the server refuses (a GOAWAY as its
        // only record) is never reported online; its close reason says why below.
        connection.Start();
        bool ready;
        try
        {
            ready = await connection.PeerReady.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Disposing (the using above) closes the channel on the way out.
            throw;
        }

        if (ready)
        {
            Log.Online(_logger, string.Join(", ", Bindings.Select(b => b.PublicUrl)));
            _observer.OnOnline(Bindings);
        }

        var reason = await ServeAsync(connection, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            return new SessionOutcome(ready, "stopped");
        }

        var said = PeerText.Escape(serverSaid ?? reason.Message);
        return reason.Code switch
        {
            ProtocolErrorCode.Revoked => throw new AgentException(AgentExitCode.AuthFailed, "The server revoked this token and closed the tunnel."),
            ProtocolErrorCode.NameUnavailable => throw new AgentException(AgentExitCode.NameRejected, $"The server refused the tunnel: {said}"),
            ProtocolErrorCode.Replaced => throw new AgentException(AgentExitCode.NameRejected, said),
            _ => new SessionOutcome(ready, ChannelEnding.Describe(reason, serverSaid)),
        };
    }

    /// <summary>Serves streams until the channel closes; cancellation starts the drain, which closes it.</summary>
    private async Task<MuxCloseReason> ServeAsync(AgentMuxConnection connection, CancellationToken cancellationToken)
    {
        var connections = new ForwardedConnections();
        var forwarder = new LocalForwarder(_options, _observer, _time, connections, Capture);
        var byHost = Bindings.ToDictionary(b => b.PublicHost, StringComparer.OrdinalIgnoreCase);
        using var probe = new HealthProbe(Bindings, _options, _observer, _time);
        using var stopProbe = new CancellationTokenSource();
        var probing = probe.IsNeeded ? probe.RunAsync(connection.ReportHealth, stopProbe.Token) : Task.CompletedTask;
        var draining = DrainWhenStoppedAsync(connection, connections, cancellationToken);
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

        await stopProbe.CancelAsync();
        await probing;
        await draining;
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

            // The host the server puts in OPEN; servers before it was sent in the answer used the URL's host.
            var host = index >= 0 && registration.Hosts is { } hosts && index < hosts.Count ? hosts[index] : new Uri(url).IdnHost;
            var policy = index >= 0 && registration.Policies is { } policies && index < policies.Count ? policies[index] : Protocol.Registration.VisitorPolicyText.Open;
            bindings.Add(new TunnelBinding(name, host, url, target, policy));
        }

        Bindings = bindings;
    }

    /// <summary>
    /// A requested name as the server will name it: lower-case, and IDNA-encoded when it has non-ASCII letters
    /// ("bücher" is "xn--bcher-kva"), so that the server's answer maps back to the tunnel that asked.
    /// </summary>
    private static string AsciiName(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        try
        {
            return lower.All(char.IsAscii) ? lower : new System.Globalization.IdnMapping().GetAscii(lower);
        }
        catch (ArgumentException)
        {
            // Not a name IDNA can encode: send it as given, and let the server say what is wrong with it.
            return lower;
        }
    }

    private sealed class NullObserver : IAgentObserver;

    private static partial class Log
    {
        [LoggerMessage(AgentEventIds.AgentOnline, LogLevel.Information, "Online: {Urls}")]
        public static partial void Online(ILogger logger, string urls);
    }
}
