using Burrow.Server;
using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>Issue #11: two real `burrow http --pool` processes serve one name; after `kill -9` of one, every later request succeeds through the other.</summary>
public sealed class PoolProcessTests
{
    [Fact]
    public async Task After_kill_9_of_one_pooled_agent_every_later_request_succeeds_through_the_other()
    {
        await using var scenario = await TunnelScenario.StartAsync("pooled", startAgent: false);
        var (host, local) = (scenario.Host, scenario.Local);
        string[] Agent() => ["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{host.Server.HttpPort}", "--user", scenario.User, "--token", scenario.Token, "--name", "pooled", "--pool", "--log-format", "text"];
        await using var doomed = BurrowProcess.Start(Agent());
        await using var survivor = BurrowProcess.Start(Agent());
        await doomed.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        await survivor.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        await host.Logs.WaitForCountAsync(ServerEventIds.ChannelAccepted, 2);

        doomed.Kill();
        await host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "pooled");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"answer {i}", await host.PublicClient.GetStringAsync(host.PublicUri("pooled", $"/id/{i}")));
        }

        Assert.False(survivor.HasExited);
    }

    [Theory]
    [InlineData("http", "3000", "--server", "http://example.com", "--user", "u", "--token", "t")]
    [InlineData("login", "--server", "http://example.com:8080", "--user", "u", "--token", "t")]
    public async Task Plain_http_to_a_remote_server_is_refused_before_anything_is_sent(params string[] arguments)
    {
        using var home = new TempDataDirectory(create: true);
        var (code, output) = await BurrowProcess.RunAsync(arguments, new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = home.Path, ["HOME"] = home.Path });

        Assert.Equal(2, code);
        Assert.Contains("refusing to send credentials to http://example.com", output, StringComparison.Ordinal);
        Assert.Contains("--allow-http", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home.Path, "burrow", "credentials.json")));
    }
}
