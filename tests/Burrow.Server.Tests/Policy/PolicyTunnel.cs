using System.Net.Http.Headers;
using System.Text;
using Burrow.Agent;
using Burrow.Protocol.Registration;
using Burrow.Testing;

namespace Burrow.Server.Tests.Policy;

/// <summary>A scenario whose agent registers its tunnel with a visitor policy; helpers for requests as a visitor.</summary>
internal sealed class PolicyTunnel : IAsyncDisposable
{
    private PolicyTunnel(TunnelScenario scenario, RunningAgent agent)
    {
        Scenario = scenario;
        Agent = agent;
    }

    public TunnelScenario Scenario { get; }

    public RunningAgent Agent { get; }

    public static async Task<PolicyTunnel> StartAsync(string name, VisitorPolicy? policy, Action<ServerSettings>? server = null)
    {
        var scenario = await TunnelScenario.StartAsync(name, server, startAgent: false);
        try
        {
            var agent = await scenario.Host.StartAgentAsync(WithPolicy(scenario.AgentOptions(), policy));
            return new PolicyTunnel(scenario, agent);
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    public static AgentOptions WithPolicy(AgentOptions options, VisitorPolicy? policy)
    {
        options.Tunnels[0] = options.Tunnels[0] with { Policy = policy };
        return options;
    }

    /// <summary>GET on the tunnel, as a visitor with these headers.</summary>
    public async Task<(int Status, string Body, HttpResponseHeaders Headers)> SendAsync(string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Scenario.PublicUri(path));
        foreach (var (header, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await Scenario.PublicClient.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    public static (string, string) Basic(string user, string password)
        => ("Authorization", new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))).ToString());

    public ValueTask DisposeAsync() => Scenario.DisposeAsync();
}
