namespace Burrow.Testing;

/// <summary>A fresh, not yet created directory under the temp path, deleted with everything in it on dispose.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory(bool create = false)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "burrow-tests", Guid.NewGuid().ToString("N"));
        if (create)
        {
            Directory.CreateDirectory(Path);
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned eventually anyway.
        }
    }
}
