using System.Net.Http.Json;
using Burrow.Testing;

namespace Burrow.Server.Tests.TenantSafety;

/// <summary>Issue #10, finding 8: text a peer chose never reaches the log raw, so a CR or LF in it cannot forge a log line.</summary>
public sealed class LogEscapingTests
{
    [Fact]
    public async Task User_name_with_a_line_break_is_escaped_in_the_log()
    {
        await using var host = await TunnelTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri)
        {
            Content = JsonContent.Create(new { username = "eve\r\n[2003] Registered everything for admin", domain = "x" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "brw_guess");
        using var response = await host.PublicClient.SendAsync(request);

        await host.Logs.WaitForAsync(ServerEventIds.AuthenticationFailed, "eve\\r\\n[2003]");
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains('\r', StringComparison.Ordinal) || e.Message.Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Goaway_reason_with_a_line_break_is_escaped_in_the_log()
    {
        await using var host = await TunnelTestHost.StartAsync();
        var (user, token) = host.CreateUser("mallory");
        await using var agent = await HostileAgent.ConnectAsync(host, user, token, "liar");

        agent.SendGoAway("bye\r\nChannel for admin serving everything connected");

        await host.Logs.WaitForAsync(Burrow.Protocol.ProtocolEventIds.ChannelGoAwayReceived, "bye\\r\\nChannel");
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains('\r', StringComparison.Ordinal) || e.Message.Contains('\n', StringComparison.Ordinal));
    }
}
