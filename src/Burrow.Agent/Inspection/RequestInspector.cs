using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Replay;
using Burrow.Agent.Inspection.Web;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Agent.Inspection;

/// <summary>
/// The request inspector: captures every exchange through the agent's tunnels (the tap in the forwarder's copy
/// loops), keeps them in a ring buffer capped in bytes, and serves a page and a JSON API to see, filter, replay and
/// export them. One per agent process, shared by all its tunnels. Give <see cref="Store"/> to the agent
/// (<see cref="BurrowAgent.Capture"/>); dispose after the agent has stopped.
/// </summary>
public sealed class RequestInspector : IAsyncDisposable
{
    private readonly InspectorServer _server;
    private int _disposed;

    private RequestInspector(ExchangeStore store, InspectorServer server)
    {
        Store = store;
        _server = server;
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:4040/.</summary>
    public Uri Url => _server.Url;

    internal ExchangeStore Store { get; }

    /// <summary>Validates the options, binds the address (or the next free port) and starts serving.</summary>
    /// <exception cref="AgentException">A bad setting, or an address that cannot be bound.</exception>
    public static async Task<RequestInspector> StartAsync(InspectorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var time = timeProvider ?? TimeProvider.System;
        var logger = loggerFactory.CreateLogger<RequestInspector>();
        var store = new ExchangeStore(options.BufferSize, options.BodyLimit, time);
        var api = new InspectorApi(store, new ReplayClient(store, options.ReplayTimeout), time, logger);
        var server = await InspectorServer.StartAsync(options, new InspectorApplication(api, logger), loggerFactory, cancellationToken);
        InspectorLog.Listening(logger, server.Url.ToString());
        return new RequestInspector(store, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Store.CompleteSubscribers();
        await _server.DisposeAsync();
    }
}
