using Microsoft.Extensions.Options;

namespace Burrow.Server.Storage;

/// <summary>
/// The data directory: the account database, certificates and private keys. Only the server's user may read it:
/// the directory is 0700 and every file in it 0600, fixed at start when looser (issue #10), and secrets are written
/// with that mode from their first byte.
/// </summary>
internal sealed class DataDirectory
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode SecretMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public DataDirectory(IOptions<StorageOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DataDirectory);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Creates the directory if needed and tightens the modes of it and of everything in it.</summary>
    public void EnsureSecured()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path);
            return;
        }

        Directory.CreateDirectory(Path, DirectoryMode);
        Tighten(Path, DirectoryMode);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories))
        {
            Tighten(entry, Directory.Exists(entry) ? DirectoryMode : SecretMode);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string path, UnixFileMode mode)
    {
        if ((System.IO.File.GetUnixFileMode(path) & ~mode) != 0)
        {
            System.IO.File.SetUnixFileMode(path, System.IO.File.GetUnixFileMode(path) & mode);
        }
    }
}
