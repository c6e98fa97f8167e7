namespace Burrow.Testing.Browser;

/// <summary>
/// Where browser tests save screenshots: docs/images/NAME in the repository when BURROW_SCREENSHOTS=1 (how the README's
/// images are made: <c>BURROW_SCREENSHOTS=1 dotnet test</c>), otherwise a temporary folder, so an ordinary test run
/// leaves the working tree as it found it.
/// </summary>
public static class Screenshots
{
    public static string PathFor(string name)
    {
        if (Environment.GetEnvironmentVariable("BURROW_SCREENSHOTS") != "1")
        {
            var temporary = Path.Combine(Path.GetTempPath(), "burrow-screenshots");
            Directory.CreateDirectory(temporary);
            return Path.Combine(temporary, name);
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Burrow.slnx")))
        {
            directory = directory.Parent;
        }

        var images = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "docs", "images");
        Directory.CreateDirectory(images);
        return Path.Combine(images, name);
    }
}
