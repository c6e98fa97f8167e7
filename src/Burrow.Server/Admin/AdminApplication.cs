using Burrow.Protocol;
using Burrow.Server.Admin.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Burrow.Server.Admin;

/// <summary>
/// The admin listener's request pipeline: security headers, <c>/metrics</c> (OpenTelemetry's Prometheus exporter,
/// optionally behind the admin token), the dashboard's files at <c>/</c> (no token: they hold no data), and
/// <c>/api/*</c> behind <see cref="AdminAuthentication"/>.
/// </summary>
internal sealed partial class AdminApplication : IHttpApplication<HttpContext>
{
    private const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly IServiceProvider _services;
    private readonly AdminApi _api;
    private readonly AdminAuthentication _authentication;
    private readonly ILogger _logger;
    private readonly RequestDelegate _pipeline;

    public AdminApplication(IServiceProvider services, MeterProvider meters, AdminApi api, AdminAuthentication authentication, AdminOptions options, ILogger<AdminApplication> logger)
    {
        _services = services;
        _api = api;
        _authentication = authentication;
        _logger = logger;
        var app = new ApplicationBuilder(services);
        app.Use(HeadersAsync);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meters,
            predicate: context => context.Request.Path == "/metrics",
            path: null,
            configureBranchedPipeline: branch =>
            {
                if (options.AdminMetricsToken)
                {
                    branch.Use(AuthorizedAsync);
                }
            },
            optionsName: null);
        app.Run(DispatchAsync);
        _pipeline = app.Build();
    }

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures) { RequestServices = _services };

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        try
        {
            await _pipeline(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Failed(_logger, ex, context.Request.Method, PeerText.Escape(context.Request.Path.Value));
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await AdminApi.ProblemAsync(context, StatusCodes.Status500InternalServerError, "Internal error", "The admin API failed; see the server's log.");
            }
        }
    }

    private static Task HeadersAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return next(context);
    }

    private async Task AuthorizedAsync(HttpContext context, RequestDelegate next)
    {
        if (await _authentication.AuthorizeAsync(context))
        {
            await next(context);
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            if (await _authentication.AuthorizeAsync(context))
            {
                await _api.HandleAsync(context);
            }

            return;
        }

        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && DashboardAssets.TryGet(path, out var content, out var contentType))
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = content.Length;
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
            return;
        }

        await AdminApi.ProblemAsync(context, StatusCodes.Status404NotFound, "Not found", "The admin listener serves /, /metrics and /api/ (docs/admin-api.md).");
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.AdminRequestFailed, LogLevel.Error, "Admin request {Method} {Path} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string method, string path);
    }
}
