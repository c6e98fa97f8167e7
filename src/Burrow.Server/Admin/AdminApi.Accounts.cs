using Burrow.Protocol;
using Burrow.Server.Accounts;
using Burrow.Server.Channels;
using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Admin;

/// <summary>Users, their tokens and names: what <c>burrow user|token|name</c> do on the database, over HTTP.</summary>
internal sealed partial class AdminApi
{
    private Task ListUsersAsync(HttpContext context)
        => WriteAsync(context, 200, [.. _accounts.ListUsers().Select(u => new UserView(u.Name, u.MaxTunnels, u.MaxNames, u.CreatedAt, u.TokenCount, u.NameCount))], AdminJsonContext.Default.UserViewArray);

    private async Task CreateUserAsync(HttpContext context)
    {
        if (await ReadAsync(context, AdminJsonContext.Default.CreateUserRequest) is not { } request)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Name))
        {
            await ProblemAsync(context, 400, "Malformed request", "The body must name the user: {\"name\": \"...\"}.");
            return;
        }

        NewToken token;
        try
        {
            token = _accounts.AddUser(request.Name, request.MaxTunnels ?? 10, request.MaxNames);
        }
        catch (AccountException ex) when (ex.Message.Contains("already exists", StringComparison.Ordinal))
        {
            await ProblemAsync(context, 409, "User exists", ex.Message);
            return;
        }

        Audit("created user", token.UserName);
        await WriteAsync(context, 201, new CreatedUserView(token.UserName, token.TokenId, token.Token), AdminJsonContext.Default.CreatedUserView);
    }

    private async Task RemoveUserAsync(HttpContext context, string name)
    {
        var user = _accounts.FindUser(name);
        if (user is null || !_accounts.RemoveUser(name))
        {
            await ProblemAsync(context, 404, "No such user", $"No user named '{PeerText.Escape(name, 64)}'.");
            return;
        }

        Audit("removed user", user.Name);
        CloseChannels(c => c.UserId == user.Id, "The user of this tunnel was removed.");
        context.Response.StatusCode = 204;
    }

    private async Task ListTokensAsync(HttpContext context, string user)
    {
        if (_accounts.FindUser(user) is null)
        {
            await ProblemAsync(context, 404, "No such user", $"No user named '{PeerText.Escape(user, 64)}'.");
            return;
        }

        await WriteAsync(context, 200, [.. _accounts.ListTokens(user).Select(t => new TokenView(t.Id, t.Label, t.CreatedAt, t.LastUsedAt, t.Revoked))], AdminJsonContext.Default.TokenViewArray);
    }

    private async Task CreateTokenAsync(HttpContext context, string user)
    {
        if (await ReadAsync(context, AdminJsonContext.Default.CreateTokenRequest) is not { } request)
        {
            return;
        }

        if (_accounts.FindUser(user) is null)
        {
            await ProblemAsync(context, 404, "No such user", $"No user named '{PeerText.Escape(user, 64)}'.");
            return;
        }

        var token = _accounts.AddToken(user, request.Label ?? "token");
        Audit("created token for", $"{token.UserName} ({token.TokenId})");
        await WriteAsync(context, 201, new NewTokenView(token.TokenId, token.UserName, token.Token), AdminJsonContext.Default.NewTokenView);
    }

    /// <summary>Revokes the token and closes its live channels now (the sweeper would within seconds).</summary>
    private async Task RevokeTokenAsync(HttpContext context, string user, string idText)
    {
        if (ParseId(idText) is not { } id || !_accounts.RevokeToken(user, id))
        {
            await ProblemAsync(context, 404, "No such token", $"{PeerText.Escape(user, 64)} has no active token {PeerText.Escape(idText, 20)}.");
            return;
        }

        Audit("revoked token of", $"{user} ({id})");
        CloseChannels(c => c.TokenId == id, "The token this tunnel registered with was revoked.");
        context.Response.StatusCode = 204;
    }

    private Task ListNamesAsync(HttpContext context)
    {
        var user = context.Request.Query["user"].ToString();
        var live = _registry.LiveNames().ToHashSet(StringComparer.Ordinal);
        var names = _accounts.ListNames(user.Length > 0 ? user : null).Select(n => new NameView(n.Name, n.UserName, n.ClaimedAt, n.LastUsedAt, live.Contains(n.Name)));
        return WriteAsync(context, 200, [.. names], AdminJsonContext.Default.NameViewArray);
    }

    private async Task ReleaseNameAsync(HttpContext context, string name)
    {
        if (!_accounts.ReleaseName(name))
        {
            await ProblemAsync(context, 404, "No such name", $"No one holds the name '{PeerText.Escape(name, 64)}'.");
            return;
        }

        Audit("released name", name);
        context.Response.StatusCode = 204;
    }

    private void CloseChannels(Func<TunnelChannel, bool> which, string reason)
    {
        foreach (var channel in _registry.Channels.Where(which).ToList())
        {
            _ = channel.CloseAsync(ProtocolErrorCode.Revoked, reason, graceful: false);
        }
    }
}
