using System.Globalization;
using System.Text.Json;
using Burrow.Protocol.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Burrow.Server.Registration;

/// <summary>
/// <c>POST /api/tunnels</c> on the base domain: reads the bearer token and the JSON body (at most 16 KiB), lets the
/// <see cref="Registrar"/> decide, and writes its answer. Every refusal is RFC 9457 problem+json with a sentence a
/// person understands.
/// </summary>
internal sealed class RegistrationEndpoint
{
    private const int MaxBodySize = 16 * 1024;

    private readonly Registrar _registrar;
    private readonly RegistrationMetrics _metrics;

    public RegistrationEndpoint(Registrar registrar, RegistrationMetrics metrics)
    {
        _registrar = registrar;
        _metrics = metrics;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodySize;
        }

        var token = BearerToken(context.Request);
        RegistrationRequest? request = null;
        if (token is not null)
        {
            try
            {
                request = await JsonSerializer.DeserializeAsync(context.Request.Body, RegistrationJsonContext.Default.RegistrationRequest, context.RequestAborted);
            }
            catch (JsonException ex)
            {
                await Results.Problem($"The body is not the JSON this API expects ({{\"username\": \"...\", \"domain\": \"NAME\"}}): {ex.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed request").ExecuteAsync(context);
                return;
            }
            catch (BadHttpRequestException ex)
            {
                await Results.Problem($"The request body could not be read: {ex.Message}", statusCode: ex.StatusCode, title: "Malformed request").ExecuteAsync(context);
                return;
            }
        }

        var agent = context.Request.Headers.UserAgent.ToString();
        var result = _registrar.Register(token, request, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", agent.Length > 0 ? agent : null);
        _metrics.Completed(result);
        if (result.Response is { } response)
        {
            await Results.Json(response, RegistrationJsonContext.Default.RegistrationResponse, statusCode: result.Status).ExecuteAsync(context);
            return;
        }

        if (result.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        if (result.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await Results.Problem(result.Detail, statusCode: result.Status, title: result.Title).ExecuteAsync(context);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length
            ? header[Scheme.Length..].Trim()
            : null;
    }
}
