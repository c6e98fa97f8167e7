using Burrow.Protocol;

namespace Burrow.Server.Admin.Dashboard;

/// <summary>The dashboard's files, embedded in the assembly (resource names "dashboard/FILE").</summary>
internal static class DashboardAssets
{
    private static readonly EmbeddedFiles Files = new(typeof(DashboardAssets).Assembly, "dashboard/");

    public static bool TryGet(string path, out byte[] content, out string contentType) => Files.TryGet(path, out content, out contentType);
}
