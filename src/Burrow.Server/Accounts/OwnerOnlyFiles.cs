namespace Burrow.Server.Accounts;

/// <summary>
/// The database holds token hashes and who owns which name: readable by the server's user only. New files and
/// directories are created that way, and looser modes left by an older version or a careless copy are tightened
/// (issue #10: the database and its WAL/SHM files were 0644 in a 0755 directory).
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode SecretMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        if ((File.GetUnixFileMode(path) & ~DirectoryMode) != 0)
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Creates <paramref name="path"/> empty with mode 0600 if it does not exist; tightens it if it does.</summary>
    public static void EnsureFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = SecretMode });
            return;
        }

        Restrict(path);
    }

    /// <summary>Sets mode 0600 on an existing file whose mode lets anyone else in; a missing file is left alone.</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        if ((File.GetUnixFileMode(path) & ~SecretMode) != 0)
        {
            File.SetUnixFileMode(path, SecretMode);
        }
    }
}
