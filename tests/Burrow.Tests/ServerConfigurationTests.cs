using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>burrow.json, then BURROW__* environment variables, then flags: later wins, and a bad value names its key.</summary>
public sealed class ServerConfigurationTests : IDisposable
{
    private readonly TempDataDirectory _temp = new(create: true);

    private string Root => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task File_is_overridden_by_environment_which_is_overridden_by_flags()
    {
        var (filePort, envPort, flagPort, channel) = (TestPorts.Free(), TestPorts.Free(), TestPorts.Free(), TestPorts.Free());
        File.WriteAllText(Path.Combine(Root, "burrow.json"), $$"""{ "Domain": "file.test", "HttpPort": {{filePort}}, "ChannelPort": {{channel}}, "ListenAddress": "127.0.0.1", "DataDirectory": "data" }""");

        Assert.Contains($"NAME.file.test:{filePort}", await StartedLineAsync([], []));
        Assert.Contains($"NAME.file.test:{envPort}", await StartedLineAsync([], new() { ["BURROW__HTTPPORT"] = $"{envPort}" }));
        Assert.Contains($"NAME.flag.test:{flagPort}", await StartedLineAsync(["--http-port", $"{flagPort}", "--domain", "flag.test"], new() { ["BURROW__HTTPPORT"] = $"{envPort}" }));
    }

    [Fact]
    public async Task Bad_value_fails_fast_naming_the_key()
    {
        var (code, output) = await BurrowProcess.RunAsync(["server", "--data", "data"], new Dictionary<string, string?> { ["BURROW__HTTPPORT"] = "eighty" }, Root);
        Assert.Equal(2, code);
        Assert.Contains("HttpPort", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_key_fails_fast_naming_it()
    {
        File.WriteAllText(Path.Combine(Root, "burrow.json"), """{ "Domian": "typo.test" }""");
        var (code, output) = await BurrowProcess.RunAsync(["server"], null, Root);
        Assert.Equal(2, code);
        Assert.Contains("Domian", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_domain_fails_fast_naming_the_key()
    {
        var (code, output) = await BurrowProcess.RunAsync(["server", "--domain", "not a domain", "--data", "data"], null, Root);
        Assert.Equal(2, code);
        Assert.Contains("Domain:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_certificate_is_made_once_and_reused()
    {
        var (http, https, channel) = (TestPorts.Free(), TestPorts.Free(), TestPorts.Free());
        string[] args = ["server", "--listen", "127.0.0.1", "--http-port", $"{http}", "--https-port", $"{https}", "--channel-port", $"{channel}", "--dev-cert", "--data", "data"];
        await using (var first = BurrowProcess.Start(args, null, Root))
        {
            var line = await first.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
            Assert.Contains($"https://NAME.localhost:{https}", line, StringComparison.Ordinal);
        }

        var certificate = Path.Combine(Root, "data", "dev-cert.pem");
        var written = File.GetLastWriteTimeUtc(certificate);
        await using (var second = BurrowProcess.Start(args, null, Root))
        {
            await second.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
        }

        Assert.Equal(written, File.GetLastWriteTimeUtc(certificate));
    }

    private async Task<string> StartedLineAsync(string[] flags, Dictionary<string, string?> environment)
    {
        await using var server = BurrowProcess.Start(["server", .. flags], environment, Root);
        return await server.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
    }
}
