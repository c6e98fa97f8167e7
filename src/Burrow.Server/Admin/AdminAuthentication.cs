using Burrow.Server.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Admin;

/// <summary>
/// Admin requests carry an admin token as <c>Authorization: Bearer brwa_...</c> (<c>burrow admin token create</c>).
/// None, or one that is no active token: 401. An active user token: 403 (a real credential, but not for this).
/// Browsers send the header only from the dashboard's own scripts, never cross-site, so there are no cookies to steal
/// or to ride on.
/// </summary>
internal sealed partial class AdminAuthentication
{
    private readonly AccountStore _accounts;
    private readonly ILogger _logger;

    public AdminAuthentication(AccountStore accounts, ILogger<AdminAuthentication> logger)
    {
        _accounts = accounts;
        _logger = logger;
    }

    /// <summary>True when the request may go on; otherwise the refusal has been written.</summary>
    public async Task<bool> AuthorizeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        var token = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var credential = string.IsNullOrEmpty(token) || token.Length > 256 ? null : _accounts.AuthenticateAdmin(token);
        switch (credential?.Kind)
        {
            case AdminCredentialKind.Admin:
                return true;
            case AdminCredentialKind.User:
                Log.Forbidden(_logger, remote);
                await AdminApi.ProblemAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "That is a user token; the admin API takes admin tokens ('burrow admin token create').");
                return false;
            default:
                Log.Unauthorized(_logger, remote, token is null ? "no bearer token" : "not an active admin token");
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await AdminApi.ProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "Send an admin token in an 'Authorization: Bearer TOKEN' header ('burrow admin token create' makes one).");
                return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.AdminUnauthorized, LogLevel.Warning, "Admin request from {Remote} refused: {Reason}")]
        public static partial void Unauthorized(ILogger logger, string remote, string reason);

        [LoggerMessage(ServerEventIds.AdminForbidden, LogLevel.Warning, "Admin request from {Remote} refused: a user token was presented")]
        public static partial void Forbidden(ILogger logger, string remote);
    }
}
