using System.Text.Json;
using Burrow.Protocol;
using Burrow.Server.Admin.Dashboard;
using Burrow.Server.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Burrow.Server.Admin;

/// <summary>Live channels and tunnels, disconnecting a channel, and the dashboard's event stream.</summary>
internal sealed partial class AdminApi
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromSeconds(1);

    private ChannelView[] Channels()
        => [.. _registry.Channels.OrderBy(c => c.Id).Select(c => new ChannelView(
            c.Id,
            c.UserName,
            c.Names,
            c.RemoteEndPoint,
            c.ConnectedAt,
            c.State.ToString().ToLowerInvariant(),
            c.Pooled,
            c.IsServing,
            c.Connection.ActiveStreamCount,
            c.InFlight,
            c.Connection.BytesSent,
            c.Connection.BytesReceived,
            c.Connection.BufferedBytes,
            c.Connection.MeasuredRoundTrip?.TotalMilliseconds,
            c.AgentVersion,
            c.Routes.ToDictionary(r => r.Key, r => r.Value.Policy.Summary, StringComparer.Ordinal)))];

    /// <summary>Every tunnel live now or with traffic counted (under its label), live ones first.</summary>
    private TunnelView[] Tunnels(bool withHistory)
    {
        var live = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var channel in _registry.Channels)
        {
            if (channel.State == ChannelState.Live)
            {
                foreach (var name in channel.Names)
                {
                    live.TryAdd(name, channel.UserName);
                }
            }
        }

        var views = new List<TunnelView>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var traffic in _traffic.All)
        {
            seen.Add(traffic.Label);
            var latest = _history.Latest(traffic.Label);
            views.Add(new TunnelView(
                traffic.Label,
                live.ContainsKey(traffic.Label),
                live.GetValueOrDefault(traffic.Label),
                traffic.Requests,
                traffic.BytesIn,
                traffic.BytesOut,
                latest?.RequestsPerSecond ?? 0,
                latest?.BytesPerSecond ?? 0,
                withHistory ? _history.Of(traffic.Label) : null));
        }

        foreach (var (name, user) in live)
        {
            if (seen.Add(name))
            {
                views.Add(new TunnelView(name, true, user, 0, 0, 0, 0, 0, withHistory ? [] : null));
            }
        }

        return [.. views.OrderByDescending(v => v.Online).ThenBy(v => v.Name, StringComparer.Ordinal)];
    }

    /// <summary>DELETE /api/channels/{id}: GOAWAY and close now. The agent may reconnect; revoke its token to keep it out.</summary>
    private async Task DisconnectAsync(HttpContext context, string idText)
    {
        if (ParseId(idText) is not { } id || _registry.Find(id) is not { } channel)
        {
            await ProblemAsync(context, 404, "No such channel", $"No channel {PeerText.Escape(idText, 20)} is connected.");
            return;
        }

        Log.Disconnecting(_logger, channel.Id, channel.UserName, string.Join(',', channel.Names), channel.RemoteEndPoint);
        await channel.CloseAsync(ProtocolErrorCode.NoError, "Disconnected by the server's operator.", graceful: false);
        context.Response.StatusCode = 204;
    }

    /// <summary>
    /// GET /api/events: Server-Sent Events, one <c>snapshot</c> event per second (tunnels with their totals and rates,
    /// channels) until the client goes away or the listener stops.
    /// </summary>
    private async Task StreamEventsAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        try
        {
            using var timer = new PeriodicTimer(EventInterval, _time);
            do
            {
                var snapshot = new AdminSnapshot(_time.GetUtcNow(), Tunnels(withHistory: false), Channels(), _accessLog.Dropped);
                await response.WriteAsync("event: snapshot\ndata: ", aborted);
                await JsonSerializer.SerializeAsync(response.Body, snapshot, AdminJsonContext.Default.AdminSnapshot, aborted);
                await response.WriteAsync("\n\n", aborted);
                await response.Body.FlushAsync(aborted);
            }
            while (await timer.WaitForNextTickAsync(aborted));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
    }
}
