namespace Burrow.Tests;

/// <summary>burrow.json, then BURROW__* environment variables, then flags: later wins, and a bad value names its key.</summary>
public sealed class ServerConfigurationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "burrow-config-" + Guid.NewGuid().ToString("N"));

    public ServerConfigurationTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task File_is_overridden_by_environment_which_is_overridden_by_flags()
    {
        var (filePort, envPort, flagPort, channel) = (CommandLineTests.FreePort(), CommandLineTests.FreePort(), CommandLineTests.FreePort(), CommandLineTests.FreePort());
        File.WriteAllText(Path.Combine(_directory, "burrow.json"), $$"""{ "Domain": "file.test", "HttpPort": {{filePort}}, "ChannelPort": {{channel}}, "ListenAddress": "127.0.0.1", "DataDirectory": "data" }""");

        Assert.Contains($"NAME.file.test:{filePort}", await StartedLineAsync([], []));
        Assert.Contains($"NAME.file.test:{envPort}", await StartedLineAsync([], new() { ["BURROW__HTTPPORT"] = $"{envPort}" }));
        Assert.Contains($"NAME.flag.test:{flagPort}", await StartedLineAsync(["--http-port", $"{flagPort}", "--domain", "flag.test"], new() { ["BURROW__HTTPPORT"] = $"{envPort}" }));
    }

    [Fact]
    public async Task Bad_value_fails_fast_naming_the_key()
    {
        var (code, output) = await BurrowProcess.RunAsync(["server", "--data", "data"], new Dictionary<string, string?> { ["BURROW__HTTPPORT"] = "eighty" }, _directory);
        Assert.Equal(2, code);
        Assert.Contains("HttpPort", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_key_fails_fast_naming_it()
    {
        File.WriteAllText(Path.Combine(_directory, "burrow.json"), """{ "Domian": "typo.test" }""");
        var (code, output) = await BurrowProcess.RunAsync(["server"], null, _directory);
        Assert.Equal(2, code);
        Assert.Contains("Domian", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_domain_fails_fast_naming_the_key()
    {
        var (code, output) = await BurrowProcess.RunAsync(["server", "--domain", "not a domain", "--data", "data"], null, _directory);
        Assert.Equal(2, code);
        Assert.Contains("Domain:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_certificate_is_made_once_and_reused()
    {
        var (http, https, channel) = (CommandLineTests.FreePort(), CommandLineTests.FreePort(), CommandLineTests.FreePort());
        string[] args = ["server", "--listen", "127.0.0.1", "--http-port", $"{http}", "--https-port", $"{https}", "--channel-port", $"{channel}", "--dev-cert", "--data", "data"];
        await using (var first = BurrowProcess.Start(args, null, _directory))
        {
            var line = await first.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
            Assert.Contains($"https://NAME.localhost:{https}", line, StringComparison.Ordinal);
        }

        var certificate = Path.Combine(_directory, "data", "dev-cert.pem");
        var written = File.GetLastWriteTimeUtc(certificate);
        await using (var second = BurrowProcess.Start(args, null, _directory))
        {
            await second.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
        }

        Assert.Equal(written, File.GetLastWriteTimeUtc(certificate));
    }

    private async Task<string> StartedLineAsync(string[] flags, Dictionary<string, string?> environment)
    {
        await using var server = BurrowProcess.Start(["server", .. flags], environment, _directory);
        return await server.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
    }
}
