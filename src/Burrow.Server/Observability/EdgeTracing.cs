using System.Diagnostics;
using System.Net.Http;
using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Observability;

/// <summary>
/// Spans on the edge: one per forwarded public request (kind Server), on the "Burrow.Server" activity source. Nothing
/// is recorded unless the server exports spans (<see cref="TelemetryOptions.OtlpEndpoint"/>), so without tracing the
/// request path pays one boolean check. With a span, the local server
/// gets it as its parent in a W3C <c>traceparent</c> header (https://www.w3.org/TR/trace-context/).
/// </summary>
internal static class EdgeTracing
{
    public static readonly ActivitySource Source = new(ServerMeter.Name);

    /// <summary>
    /// Starts the span for a request to <paramref name="tunnel"/>, as a child of the visitor's own <c>traceparent</c>
    /// when it sent a valid one (so a trace that started in the visitor's systems goes on through the tunnel).
    /// </summary>
    public static Activity? Start(HttpContext context, string tunnel)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var request = context.Request;
        ActivityContext.TryParse(request.Headers.TraceParent.ToString(), request.Headers.TraceState.ToString(), isRemote: true, out var parent);
        var activity = Source.StartActivity("burrow.request", ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = request.Method;
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.path", request.Path.Value);
            activity.SetTag("server.address", request.Host.Host);
            activity.SetTag("client.address", context.Connection.RemoteIpAddress?.ToString());
            activity.SetTag("burrow.tunnel", tunnel);
        }

        return activity;
    }

    /// <summary>Puts the request's span into the forwarded request's <c>traceparent</c> (replacing the visitor's).</summary>
    public static void Propagate(HttpRequestMessage proxyRequest)
    {
        // The span started for this request flows here as Activity.Current (YARP calls the transformer within it).
        if (Activity.Current is not { } activity || activity.Source != Source)
        {
            return;
        }

        var headers = proxyRequest.Headers;
        headers.Remove("traceparent");
        headers.Remove("tracestate");
        headers.TryAddWithoutValidation("traceparent", activity.Id);
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            headers.TryAddWithoutValidation("tracestate", state);
        }
    }

    public static void Stop(Activity activity, int status, string? user)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.response.status_code", status);
            activity.SetTag("burrow.user", user);
            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Stop();
    }
}
