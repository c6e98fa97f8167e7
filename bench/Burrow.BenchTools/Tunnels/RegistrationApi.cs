using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Burrow.Protocol.Registration;

namespace Burrow.BenchTools.Tunnels;

/// <summary>
/// <c>POST /api/tunnels</c> as docs/protocol.md section 1 describes it, for the tools that open channels themselves
/// (the hostile agent and the idle-channel fleet) instead of through BurrowAgent.
/// </summary>
internal static class RegistrationApi
{
    /// <summary>One client shared by many registrations: at most <paramref name="connections"/> sockets to the API.</summary>
    public static HttpClient CreateClient(Uri server, int connections) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = connections,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static async Task<RegistrationResponse> RegisterAsync(HttpClient http, string user, string token, string name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tunnels")
        {
            Content = JsonContent.Create(new RegistrationRequest(user, name), RegistrationJsonContext.Default.RegistrationRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new RegistrationRefusedException((int)response.StatusCode, detail.ReplaceLineEndings(" ").Trim());
        }

        return await response.Content.ReadFromJsonAsync(RegistrationJsonContext.Default.RegistrationResponse, cancellationToken)
            ?? throw new RegistrationRefusedException(201, "empty body");
    }
}
