using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Burrow.Protocol.Registration;

namespace Burrow.Agent.Connection;

/// <summary>
/// Calls <c>POST /api/tunnels</c>. Refusals that retrying cannot fix (401, 400, 403, 409) become permanent
/// <see cref="AgentException"/>s with the server's own sentence; network errors, 429 and 5xx are transient.
/// </summary>
internal sealed class RegistrationClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AgentOptions _options;

    public RegistrationClient(AgentOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var validation = ServerCertificateValidation.Create(options);
        if (validation is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validation };
        }

        _http = new HttpClient(handler) { BaseAddress = options.Server, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task<RegistrationResponse> RegisterAsync(IReadOnlyList<string?> names, CancellationToken cancellationToken)
    {
        var named = names.Where(n => n is not null).Select(n => n!).ToList();
        var request = new RegistrationRequest(_options.User, named.Count == 1 ? named[0] : null, named.Count > 1 ? named : null, _options.Pool, PoliciesFor(names));
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/tunnels")
        {
            Content = JsonContent.Create(request, RegistrationJsonContext.Default.RegistrationRequest),
        };
        message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _options.Token);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is System.Security.Authentication.AuthenticationException)
        {
            throw new AgentException(AgentExitCode.ConfigError, $"The server's certificate is not trusted: {ex.InnerException.Message} (use --ca FILE, or --insecure for a development server).", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AgentException(AgentExitCode.ServerUnreachable, $"Cannot reach {_options.Server}: {ex.Message}", ex, isPermanent: false);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AgentException(AgentExitCode.ServerUnreachable, $"{_options.Server} did not answer in time.", ex, isPermanent: false);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var body = await response.Content.ReadFromJsonAsync(RegistrationJsonContext.Default.RegistrationResponse, cancellationToken)
                    ?? throw new AgentException(AgentExitCode.Failure, "The server answered 201 with an empty body.", isPermanent: false);
                if (request.Policies is not null && body.Policies is null)
                {
                    // An older server ignores what it does not know: the tunnel would be open to everyone.
                    throw new AgentException(AgentExitCode.NameRejected, "The server does not enforce visitor policies (--basic-auth, --allow-ip, --oidc, header rules); not going online without them.");
                }

                return body;
            }

            var detail = await ReadDetailAsync(response, cancellationToken);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new AgentException(AgentExitCode.AuthFailed, $"The server refused the credentials: {detail}"),
                HttpStatusCode.Conflict or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden => new AgentException(AgentExitCode.NameRejected, $"The server refused the tunnel: {detail}"),
                _ => new AgentException(AgentExitCode.ServerUnreachable, $"The server answered {(int)response.StatusCode}: {detail}", isPermanent: false),
            };
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Entry i for the i-th name sent (or for the random name when none is); null when no tunnel has a policy.</summary>
    private List<VisitorPolicy?>? PoliciesFor(IReadOnlyList<string?> names)
    {
        if (_options.Tunnels.All(t => t.Policy is null))
        {
            return null;
        }

        var sent = Enumerable.Range(0, names.Count).Where(i => names[i] is not null).Select(i => _options.Tunnels[i].Policy).ToList();
        return sent.Count > 0 ? sent : [_options.Tunnels[0].Policy];
    }

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { } sentence)
            {
                return sentence;
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "no detail" : text.Trim();
    }
}
