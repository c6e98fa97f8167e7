using Burrow.Protocol;

namespace Burrow.Agent.Inspection.Web;

/// <summary>The inspector page's files, embedded in the assembly (resource names "inspector/FILE").</summary>
internal static class StaticAssets
{
    private static readonly EmbeddedFiles Files = new(typeof(StaticAssets).Assembly, "inspector/");

    public static bool TryGet(string path, out byte[] content, out string contentType) => Files.TryGet(path, out content, out contentType);
}
