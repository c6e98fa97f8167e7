using Microsoft.Playwright;

namespace Burrow.Testing.Browser;

/// <summary>
/// A real headless Chromium for UI tests: Debian's <c>/usr/bin/chromium</c> (or <c>BURROW_CHROMIUM</c>) driven by
/// Playwright through its executable path, never a browser Playwright downloads. Each session has a fresh profile
/// directory, deleted on dispose; each test takes its own page. Use one per test class (xUnit's IAsyncLifetime or a
/// class fixture) and <see cref="NewPageAsync"/> per test.
/// </summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string DefaultExecutable = "/usr/bin/chromium";

    /// <summary>Flags from STANDARDS.md: no sandbox (containers), no GPU, no network chatter, no first-run UI.</summary>
    public static readonly IReadOnlyList<string> Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly TempDataDirectory _profile;

    private ChromiumSession(IPlaywright playwright, IBrowserContext context, TempDataDirectory profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    /// <summary>The browser context (one profile): cookies and storage are shared by its pages.</summary>
    public IBrowserContext Context { get; }

    /// <summary>The browser to use: <c>BURROW_CHROMIUM</c> if set, else <see cref="DefaultExecutable"/>.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("BURROW_CHROMIUM") is { Length: > 0 } path ? path : DefaultExecutable;

    /// <summary>Launches the browser; fails with what to install when it is missing.</summary>
    /// <param name="viewport">Window size in CSS pixels (default 1280x800).</param>
    public static async Task<ChromiumSession> StartAsync(ViewportSize? viewport = null)
    {
        var executable = Executable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {executable}. Install Debian's package ('apt-get install chromium') or point BURROW_CHROMIUM at a Chromium binary; UI tests never download a browser.");
        }

        var profile = new TempDataDirectory(create: true);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Flags,
                ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
                Timeout = 60_000,
            });
            context.SetDefaultTimeout(15_000);
            return new ChromiumSession(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            profile.Dispose();
            throw;
        }
    }

    /// <summary>A fresh tab for one test; close it (or let the session's dispose do so).</summary>
    public Task<IPage> NewPageAsync() => Context.NewPageAsync();

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        _profile.Dispose();
    }
}
