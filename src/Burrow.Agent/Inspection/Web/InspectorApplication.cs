using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent.Inspection.Web;

/// <summary>
/// Kestrel's entry point for the inspector: guards every request, then hands it to <see cref="InspectorApi"/>.
/// The guards matter because captured traffic holds credentials and the API can send requests to the local server:
/// the Host must be an IP literal or "localhost" (a DNS-rebinding page has its own host name), and a request that
/// changes something must not come from another origin (a page elsewhere posting to 127.0.0.1).
/// </summary>
internal sealed class InspectorApplication : IHttpApplication<HttpContext>
{
    private readonly InspectorApi _api;
    private readonly ILogger _logger;

    public InspectorApplication(InspectorApi api, ILogger logger)
    {
        _api = api;
        _logger = logger;
    }

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (Refusal(request) is { } reason)
        {
            InspectorLog.Rejected(_logger, request.Method, Burrow.Protocol.PeerText.Escape(request.Path.Value), reason);
            await InspectorApi.WriteErrorAsync(context, StatusCodes.Status403Forbidden, reason);
            return;
        }

        try
        {
            await _api.HandleAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            InspectorLog.Failed(_logger, ex, request.Method, Burrow.Protocol.PeerText.Escape(request.Path.Value));
            if (!context.Response.HasStarted)
            {
                await InspectorApi.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "the inspector failed; see the agent's log");
            }
        }
    }

    internal static string? Refusal(HttpRequest request)
    {
        var host = request.Host.Host.Trim('[', ']');
        if (!host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(host, out _))
        {
            return "the inspector answers only to an IP address or localhost in Host (DNS rebinding protection)";
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !origin.Equals($"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return "cross-origin requests may not change the inspector";
        }

        return request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site" ? "cross-site requests may not change the inspector" : null;
    }
}
