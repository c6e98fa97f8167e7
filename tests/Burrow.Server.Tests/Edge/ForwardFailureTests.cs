using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Burrow.Server.Edge;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Burrow.Server.Tests.Edge;

/// <summary>How loud a failed forward is logged, and in what words: expected endings quiet, none with a stack trace.</summary>
public sealed class ForwardFailureTests
{
    [Theory]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    [InlineData(ForwarderError.UpgradeResponseClient)]
    [InlineData(ForwarderError.UpgradeRequestCanceled)]
    public void Visitor_going_away_is_debug(ForwarderError error)
        => Assert.Equal(new ForwardFailure(LogLevel.Debug, "the visitor went away"), ForwardFailure.Of(error, new IOException("reset")));

    [Theory]
    [InlineData(ProtocolErrorCode.ConnectionLost, null, "the agent went away")]
    [InlineData(ProtocolErrorCode.RefusedStream, null, "the agent is going away")]
    [InlineData(ProtocolErrorCode.Cancel, "the agent is stopping", "the agent closed the connection: the agent is stopping")]
    public void Agent_going_away_or_resetting_is_debug(ProtocolErrorCode code, string? reason, string what)
    {
        // As YARP reports it: the stream's failure wrapped in its own exception.
        var exception = new IOException("copy failed", new MuxStreamException(code, "stream failed", reason: reason));
        Assert.Equal(new ForwardFailure(LogLevel.Debug, what), ForwardFailure.Of(ForwarderError.UpgradeResponseDestination, exception));
    }

    [Fact]
    public void Unreachable_local_server_is_information_naming_it()
    {
        var exception = new HttpRequestException("connect failed", new MuxStreamException(ProtocolErrorCode.LocalUnreachable, "reset", reason: "127.0.0.1:3000 (connection refused)"));
        Assert.Equal(new ForwardFailure(LogLevel.Information, "the agent could not reach 127.0.0.1:3000 (connection refused)"), ForwardFailure.Of(ForwarderError.Request, exception));
    }

    [Fact]
    public void Peer_text_in_a_reset_reason_is_escaped()
    {
        var exception = new MuxStreamException(ProtocolErrorCode.Cancel, "reset", reason: "bye\r\nforged line");
        Assert.DoesNotContain('\n', ForwardFailure.Of(ForwarderError.ResponseBodyDestination, exception).What);
    }

    [Fact]
    public void Timeout_is_information()
        => Assert.Equal(LogLevel.Information, ForwardFailure.Of(ForwarderError.RequestTimedOut, new TaskCanceledException()).Level);
}
