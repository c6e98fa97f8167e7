using System.Net;
using System.Net.Http.Json;
using Burrow.Agent;
using Burrow.Testing;

namespace Burrow.Server.Tests.TenantSafety;

/// <summary>
/// Issue #10, finding 6: internationalised names register in their ASCII form and are reachable by it (routing
/// compares the ASCII host, though Kestrel hands hosts out decoded), and an A-label that is not real punycode is refused.
/// </summary>
public sealed class IdnRoutingTests
{
    [Fact]
    public async Task Unicode_name_registers_as_punycode_and_answers_on_both_forms_of_its_host()
    {
        await using var scenario = await TunnelScenario.StartAsync("unused", startAgent: false);
        var agent = await scenario.Host.StartAgentAsync(scenario.Host.AgentOptions(scenario.User, scenario.Token, new TunnelTarget("bücher", "127.0.0.1", scenario.Local.Port)));

        Assert.Equal("xn--bcher-kva", agent.Agent.Bindings[0].Name);
        using var ascii = await scenario.PublicClient.GetAsync(new Uri($"http://xn--bcher-kva.localhost:{scenario.Host.Server.HttpPort}/id/1"));
        using var unicode = await scenario.PublicClient.GetAsync(new Uri($"http://bücher.localhost:{scenario.Host.Server.HttpPort}/id/2"));

        Assert.Equal("answer 1", await ascii.Content.ReadAsStringAsync());
        Assert.Equal("answer 2", await unicode.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("xn--a")]
    [InlineData("xn--")]
    [InlineData("xn--ab-")]
    public async Task A_label_that_is_not_valid_punycode_is_refused(string name)
    {
        await using var scenario = await TunnelScenario.StartAsync("unused", startAgent: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, scenario.Host.ApiUri)
        {
            Content = JsonContent.Create(new { username = scenario.User, domain = name }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", scenario.Token);
        using var response = await scenario.PublicClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a valid name", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
