using System.Net;
using System.Net.Sockets;
using Burrow.Protocol.Registration;
using Burrow.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent.Tests.Connection;

/// <summary>
/// docs/protocol.md: a server that leaves <c>policies</c> out of its answer does not enforce them (an older server
/// ignores what it does not know), so an agent that sent a policy must not go online. Scripted here as such a server:
/// a real Kestrel on loopback answering the registration with 201 and no <c>policies</c>, and a channel port that must
/// never see the agent.
/// </summary>
public sealed class PolicyIgnoringServerTests
{
    [Fact]
    public async Task An_agent_with_a_policy_does_not_go_online_through_a_server_that_ignores_it()
    {
        using var channelPort = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        channelPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        channelPort.Listen(1);
        var port = ((IPEndPoint)channelPort.LocalEndPoint!).Port;
        var registrations = 0;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var server = builder.Build();
        server.MapPost("/api/tunnels", () =>
        {
            Interlocked.Increment(ref registrations);
            return Results.Json(
                new RegistrationResponse(port, "ticket", Convert.ToBase64String(new byte[32]), "http://demo.localhost", ["http://demo.localhost"], ["demo"]),
                RegistrationJsonContext.Default.RegistrationResponse,
                statusCode: StatusCodes.Status201Created);
        });
        await server.StartAsync();
        var url = server.Urls.Single();

        var options = new AgentOptions
        {
            Server = new Uri(url),
            User = "alice",
            Token = "brw_unused",
            Tunnels = [new TunnelTarget("demo", "127.0.0.1", 9, Policy: new VisitorPolicy(BasicAuth: [new BasicAuthUser("ann", "s3cret")]))],
        };
        await using var agent = RunningAgent.Start(options);

        var error = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(AgentExitCode.NameRejected, error.ExitCode);
        Assert.Contains("does not enforce visitor policies", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, registrations);

        // The channel port never saw a connection: nothing of the tunnel went online.
        channelPort.Blocking = false;
        Assert.Throws<SocketException>(() => channelPort.Accept());
    }
}
