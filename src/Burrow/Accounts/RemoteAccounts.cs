using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Burrow.Server.Accounts;

namespace Burrow.Accounts;

/// <summary>
/// The accounts of a running server, through its admin API (docs/admin-api.md) with an admin token: what
/// <c>--admin URL --admin-token T</c> selects, so the commands work against a remote server without its SQLite file.
/// </summary>
internal sealed class RemoteAccounts : IAccounts
{
    private readonly HttpClient _http;

    public RemoteAccounts(Uri admin, string token, HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false }, disposeHandler: true) { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<NewToken> AddUserAsync(string name, int maxTunnels, int? maxNames, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, "api/users", new Dictionary<string, object?> { ["name"] = name, ["maxTunnels"] = maxTunnels, ["maxNames"] = maxNames }, cancellationToken);
        return new NewToken(body.GetProperty("tokenId").GetInt64(), body.GetProperty("user").GetString()!, body.GetProperty("token").GetString()!);
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "api/users", null, cancellationToken);
        return [.. body.EnumerateArray().Select(u => new UserRecord(
            0,
            u.GetProperty("name").GetString()!,
            u.GetProperty("maxTunnels").GetInt32(),
            u.TryGetProperty("maxNames", out var maxNames) && maxNames.ValueKind == JsonValueKind.Number ? maxNames.GetInt32() : null,
            u.GetProperty("createdAt").GetDateTimeOffset(),
            u.GetProperty("tokens").GetInt32(),
            u.GetProperty("names").GetInt32()))];
    }

    public Task RemoveUserAsync(string name, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"api/users/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public async Task<NewToken> AddTokenAsync(string user, string label, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, $"api/users/{Uri.EscapeDataString(user)}/tokens", new Dictionary<string, object?> { ["label"] = label }, cancellationToken);
        return new NewToken(body.GetProperty("id").GetInt64(), body.GetProperty("user").GetString()!, body.GetProperty("token").GetString()!);
    }

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string user, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, $"api/users/{Uri.EscapeDataString(user)}/tokens", null, cancellationToken);
        return [.. body.EnumerateArray().Select(t => new TokenRecord(
            t.GetProperty("id").GetInt64(),
            t.GetProperty("label").GetString()!,
            t.GetProperty("createdAt").GetDateTimeOffset(),
            t.TryGetProperty("lastUsedAt", out var used) && used.ValueKind == JsonValueKind.String ? used.GetDateTimeOffset() : null,
            t.GetProperty("revoked").GetBoolean()))];
    }

    public Task RevokeTokenAsync(string user, long id, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"api/users/{Uri.EscapeDataString(user)}/tokens/{id}", null, cancellationToken);

    public async Task<IReadOnlyList<NameRecord>> ListNamesAsync(string? user, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, user is null ? "api/names" : $"api/names?user={Uri.EscapeDataString(user)}", null, cancellationToken);
        return [.. body.EnumerateArray().Select(n => new NameRecord(
            n.GetProperty("name").GetString()!,
            n.GetProperty("user").GetString()!,
            n.GetProperty("claimedAt").GetDateTimeOffset(),
            n.TryGetProperty("lastUsedAt", out var used) && used.ValueKind == JsonValueKind.String ? used.GetDateTimeOffset() : null))];
    }

    public Task ReleaseNameAsync(string name, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"api/names/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public void Dispose() => _http.Dispose();

    /// <summary>Sends one request; a refusal becomes an <see cref="AccountException"/> with the server's own sentence.</summary>
    private async Task<JsonElement> SendAsync(HttpMethod method, string path, Dictionary<string, object?>? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new AccountException($"cannot reach the admin API at {_http.BaseAddress}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AccountException($"the admin API at {_http.BaseAddress} did not answer in time.");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response.StatusCode == HttpStatusCode.NoContent || text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            }

            var detail = Detail(text) ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
            throw new AccountException(response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"the admin API refused the token: {detail}",
                HttpStatusCode.Forbidden => $"the admin API refused the token: {detail}",
                _ => detail,
            });
        }
    }

    private static string? Detail(string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
