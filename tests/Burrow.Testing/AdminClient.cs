using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Burrow.Server.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Testing;

/// <summary>An HTTP client for a test server's admin listener, holding a fresh admin token.</summary>
public sealed class AdminClient : IDisposable
{
    private AdminClient(Uri baseUri, string token)
    {
        Token = token;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public HttpClient Http { get; }

    public string Token { get; }

    /// <summary>Creates an admin token in the server's store (as <c>burrow admin token create</c> does) and a client with it.</summary>
    public static AdminClient For(TunnelTestHost host)
    {
        var token = host.Server.Services.GetRequiredService<AccountStore>().AddAdminToken("test");
        return new AdminClient(host.Server.AdminUrl!, token.Token);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose() => Http.Dispose();
}
