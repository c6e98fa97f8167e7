using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Policy;

/// <summary>
/// Writes the page a refused or signed-out visitor sees. The edge implements it with its own pages, so a visitor
/// refused by a policy gets the same kind of answer as one who asked for an unknown tunnel.
/// </summary>
internal interface IVisitorPages
{
    Task WriteAsync(HttpContext context, int statusCode, string title, string message);
}
