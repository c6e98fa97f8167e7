using System.Net;
using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Edge;

/// <summary>
/// The pages the edge answers itself (unknown name, offline tunnel, unreachable local server): a short HTML page
/// for browsers, plain text for everything else, always with the one sentence that says what happened.
/// </summary>
internal static class EdgeResponses
{
    public static Task WriteAsync(HttpContext context, int statusCode, string title, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Burrow-Error"] = title;
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            response.ContentType = "text/html; charset=utf-8";
            var t = WebUtility.HtmlEncode(title);
            var m = WebUtility.HtmlEncode(message);
            return response.WriteAsync(
                $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{statusCode} {t}</title></head>" +
                $"<body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1>{statusCode} {t}</h1><p>{m}</p><hr><p><small>burrow</small></p></body></html>\n",
                context.RequestAborted);
        }

        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync($"{statusCode} {title}: {message}\n", context.RequestAborted);
    }
}
