using System.Collections.Frozen;
using System.Reflection;

namespace Burrow.Protocol;

/// <summary>
/// A web page's files embedded in an assembly under one resource prefix ("inspector/", "dashboard/"), read on first
/// use and kept: the agent's inspector and the server's dashboard are served this way, with no files on disk and no
/// build step. Not protocol, but the one assembly both sides share.
/// </summary>
public sealed class EmbeddedFiles
{
    private readonly Lazy<FrozenDictionary<string, (byte[] Content, string ContentType)>> _files;

    public EmbeddedFiles(Assembly assembly, string prefix)
    {
        _files = new(() => Load(assembly, prefix));
    }

    /// <summary>The file for a request path ("/" is index.html).</summary>
    public bool TryGet(string path, out byte[] content, out string contentType)
    {
        var name = path == "/" ? "index.html" : path.TrimStart('/');
        if (_files.Value.TryGetValue(name, out var file))
        {
            (content, contentType) = file;
            return true;
        }

        (content, contentType) = ([], "");
        return false;
    }

    private static FrozenDictionary<string, (byte[], string)> Load(Assembly assembly, string prefix)
    {
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            files[name] = (copy.ToArray(), Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                ".png" => "image/png",
                _ => "application/octet-stream",
            });
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
