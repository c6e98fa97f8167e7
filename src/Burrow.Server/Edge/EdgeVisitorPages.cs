using Burrow.Server.Policy;
using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Edge;

/// <summary>The visitor policy's pages are the edge's pages (<see cref="EdgeResponses"/>).</summary>
internal sealed class EdgeVisitorPages : IVisitorPages
{
    public Task WriteAsync(HttpContext context, int statusCode, string title, string message) => EdgeResponses.WriteAsync(context, statusCode, title, message);
}
