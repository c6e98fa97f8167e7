using System.Collections.Frozen;

namespace Burrow.Server.Admin.Dashboard;

/// <summary>The dashboard's files, embedded in the assembly (resource names "dashboard/FILE") and read on first use.</summary>
internal static class DashboardAssets
{
    private static readonly Lazy<FrozenDictionary<string, (byte[] Content, string ContentType)>> Files = new(Load);

    public static bool TryGet(string path, out byte[] content, out string contentType)
    {
        var name = path == "/" ? "index.html" : path.TrimStart('/');
        if (Files.Value.TryGetValue(name, out var file))
        {
            (content, contentType) = file;
            return true;
        }

        (content, contentType) = ([], "");
        return false;
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource["dashboard/".Length..];
            files[name] = (copy.ToArray(), Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            });
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
