using System.Net.Http;
using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Policy;

/// <summary>
/// A tunnel's header rules for one direction: names removed, then headers set (any value of the same name, the
/// visitor's or the local server's, is replaced, so a visitor cannot put a second value beside the rule's).
/// </summary>
internal sealed class HeaderEdits
{
    public static readonly HeaderEdits None = new([], []);

    private readonly string[] _remove;
    private readonly (string Name, string Value)[] _set;

    /// <summary>The set rules grouped by name once, for responses (several values of one name become one header).</summary>
    private readonly (string Name, Microsoft.Extensions.Primitives.StringValues Values)[] _responseSet;

    public HeaderEdits(string[] remove, (string Name, string Value)[] set)
    {
        _remove = remove;
        _set = set;
        _responseSet = [.. set.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .Select(group => (group.Key, new Microsoft.Extensions.Primitives.StringValues([.. group.Select(h => h.Value)])))];
    }

    public void ApplyTo(HttpRequestMessage request)
    {
        foreach (var name in _remove)
        {
            Remove(request, name);
        }

        foreach (var (name, _) in _set)
        {
            Remove(request, name);
        }

        foreach (var (name, value) in _set)
        {
            // Content-Type and the other content headers live on the content; a request without a body drops them.
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    public void ApplyTo(IHeaderDictionary response)
    {
        foreach (var name in _remove)
        {
            response.Remove(name);
        }

        foreach (var (name, values) in _responseSet)
        {
            response[name] = values;
        }
    }

    private static void Remove(HttpRequestMessage request, string name)
    {
        request.Headers.Remove(name);
        request.Content?.Headers.Remove(name);
    }
}
