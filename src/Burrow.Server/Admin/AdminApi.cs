using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Burrow.Protocol;
using Burrow.Server.Accounts;
using Burrow.Server.Admin.Dashboard;
using Burrow.Server.Channels;
using Burrow.Server.Observability;
using Burrow.Server.Observability.AccessLog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Admin;

/// <summary>
/// The admin API under /api (docs/admin-api.md): users, tokens, names, live channels and tunnels, and the dashboard's
/// event stream. Every request here has passed <see cref="AdminAuthentication"/>. Answers are JSON; refusals are
/// RFC 9457 problem+json with a sentence a person understands.
/// </summary>
internal sealed partial class AdminApi
{
    private const int MaxBodySize = 16 * 1024;

    private readonly AccountStore _accounts;
    private readonly TunnelRegistry _registry;
    private readonly TrafficTable _traffic;
    private readonly TrafficHistory _history;
    private readonly AccessLogWriter _accessLog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AdminApi(AccountStore accounts, TunnelRegistry registry, TrafficTable traffic, TrafficHistory history, AccessLogWriter accessLog, TimeProvider time, ILogger<AdminApi> logger)
    {
        _accounts = accounts;
        _registry = registry;
        _traffic = traffic;
        _history = history;
        _accessLog = accessLog;
        _time = time;
        _logger = logger;
    }

    /// <summary>Dispatches /api/...; answers 404 or 405 for what it does not know.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? "/").Trim('/').Split('/');
        var method = request.Method;
        if (segments.Length < 2 || segments[0] != "api")
        {
            await NotFoundAsync(context);
            return;
        }

        try
        {
            await ((segments[1], segments.Length, method) switch
            {
                ("users", 2, "GET") => ListUsersAsync(context),
                ("users", 2, "POST") => CreateUserAsync(context),
                ("users", 3, "DELETE") => RemoveUserAsync(context, segments[2]),
                ("users", 4, "GET") when segments[3] == "tokens" => ListTokensAsync(context, segments[2]),
                ("users", 4, "POST") when segments[3] == "tokens" => CreateTokenAsync(context, segments[2]),
                ("users", 5, "DELETE") when segments[3] == "tokens" => RevokeTokenAsync(context, segments[2], segments[4]),
                ("names", 2, "GET") => ListNamesAsync(context),
                ("names", 3, "DELETE") => ReleaseNameAsync(context, segments[2]),
                ("channels", 2, "GET") => WriteAsync(context, 200, Channels(), AdminJsonContext.Default.ChannelViewArray),
                ("channels", 3, "DELETE") => DisconnectAsync(context, segments[2]),
                ("tunnels", 2, "GET") => WriteAsync(context, 200, Tunnels(withHistory: true), AdminJsonContext.Default.TunnelViewArray),
                ("events", 2, "GET") => StreamEventsAsync(context),
                ("users" or "names" or "channels" or "tunnels" or "events", _, _) => ProblemAsync(context, 405, "Method not allowed", $"{method} is not supported on {request.Path}; docs/admin-api.md lists the operations."),
                _ => NotFoundAsync(context),
            });
        }
        catch (AccountException ex) when (!context.Response.HasStarted)
        {
            await ProblemAsync(context, 400, "Refused", ex.Message);
        }
    }

    internal static Task ProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.ContentType = "application/problem+json";
        context.Response.StatusCode = status;
        return JsonSerializer.SerializeAsync(context.Response.Body, new AdminProblem(title, status, detail), AdminJsonContext.Default.AdminProblem, context.RequestAborted);
    }

    private static Task NotFoundAsync(HttpContext context)
        => ProblemAsync(context, 404, "Not found", $"No admin API at {PeerText.Escape(context.Request.Path.Value, 200)}; docs/admin-api.md lists the operations.");

    private static Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    /// <summary>Reads a small JSON body; null (after answering 400) when it is missing or malformed.</summary>
    private static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodySize;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
            if (value is null)
            {
                await ProblemAsync(context, 400, "Malformed request", "The body must be a JSON object.");
            }

            return value;
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException)
        {
            await ProblemAsync(context, 400, "Malformed request", $"The body is not the JSON this operation expects: {PeerText.Escape(ex.Message)}");
            return null;
        }
    }

    private static long? ParseId(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private void Audit(string action, string target) => Log.Action(_logger, action, PeerText.Escape(target));

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.AdminAction, LogLevel.Information, "Admin: {Action} {Target}")]
        public static partial void Action(ILogger logger, string action, string target);

        [LoggerMessage(ServerEventIds.ChannelDisconnectedByAdmin, LogLevel.Information, "Admin: disconnecting channel {Id} of {User} serving {Names} from {Remote}")]
        public static partial void Disconnecting(ILogger logger, long id, string user, string names, string remote);
    }
}
