using Burrow.Agent.Connection;
using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Burrow.Testing;

namespace Burrow.Agent.Tests.Connection;

/// <summary>Why a channel ended, as the person running the agent reads it in "reconnecting in 1.0 s: ...".</summary>
public sealed class ChannelEndingTests
{
    [Theory]
    [InlineData(ProtocolErrorCode.NoError, "The peer closed the channel.", true, "server shutting down", "the server closed the tunnel: server shutting down")]
    [InlineData(ProtocolErrorCode.ConnectionLost, "The peer closed the channel.", true, null, "the server closed the connection")]
    [InlineData(ProtocolErrorCode.ConnectionLost, "Reading the channel failed: Connection reset by peer", true, null, "the connection to the server failed: connection reset by peer")]
    [InlineData(ProtocolErrorCode.KeepaliveTimeout, "No answer to PING for 20 s.", false, null, "the server stopped answering (no answer to PING for 20 s)")]
    [InlineData(ProtocolErrorCode.BadRecord, "A record failed authentication.", false, null, "the channel broke: a record failed authentication")]
    public void Describes_the_end_in_plain_words(ProtocolErrorCode code, string message, bool byPeer, string? serverSaid, string expected)
        => Assert.Equal(expected, ChannelEnding.Describe(new MuxCloseReason(code, message, byPeer), serverSaid));

    [Fact]
    public void A_server_reason_with_line_breaks_cannot_forge_output_lines()
        => Assert.DoesNotContain('\n', ChannelEnding.Describe(new MuxCloseReason(ProtocolErrorCode.NoError, "x", ByPeer: true), "bye\n12:00:00 online: http://evil"));

    [Fact]
    public async Task Agent_says_the_server_is_shutting_down_when_it_is()
    {
        await using var scenario = await TunnelScenario.StartAsync("words");
        await scenario.Host.Server.StopAsync();
        await scenario.Agent.Observer.WaitForEventAsync("reconnecting: the server closed the tunnel: server shutting down");
    }
}
