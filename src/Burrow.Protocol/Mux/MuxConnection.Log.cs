using Microsoft.Extensions.Logging;

namespace Burrow.Protocol.Mux;

public abstract partial class MuxConnection
{
    private static partial class Log
    {
        // The ordinary endings are Debug: whoever owns the channel logs its end once, in its own words (the server's
        // "Tunnel ... closed", the agent's "Reconnecting" or "Stopped").
        [LoggerMessage(ProtocolEventIds.ChannelClosed, LogLevel.Debug, "Channel {Channel} closed: {Code} {Reason} (by peer: {ByPeer})")]
        public static partial void Closed(ILogger logger, string channel, ProtocolErrorCode code, string reason, bool byPeer);

        [LoggerMessage(ProtocolEventIds.ChannelProtocolError, LogLevel.Warning, "Channel {Channel} closed on error {Code}: {Reason} (by peer: {ByPeer})")]
        public static partial void ProtocolError(ILogger logger, string channel, ProtocolErrorCode code, string reason, bool byPeer);

        // A laptop that sleeps or loses its network does this: expected, and the owner logs the channel's end.
        [LoggerMessage(ProtocolEventIds.ChannelKeepaliveTimeout, LogLevel.Debug, "Channel {Channel} is dead: {Reason}")]
        public static partial void KeepaliveTimeout(ILogger logger, string channel, string reason);

        [LoggerMessage(ProtocolEventIds.ChannelGoAwayReceived, LogLevel.Debug, "Channel {Channel}: peer sent GOAWAY {Code} {Reason}")]
        public static partial void GoAwayReceived(ILogger logger, string channel, ProtocolErrorCode code, string reason);

        [LoggerMessage(ProtocolEventIds.ChannelGoAwaySent, LogLevel.Debug, "Channel {Channel}: sent GOAWAY ({Reason}); draining open streams")]
        public static partial void GoAwaySent(ILogger logger, string channel, string reason);

        [LoggerMessage(EventId = ProtocolEventIds.StreamRefused, Message = "Channel {Channel}: refused stream {StreamId}: {Reason}")]
        public static partial void StreamRefused(ILogger logger, LogLevel level, string channel, uint streamId, string reason);

        [LoggerMessage(ProtocolEventIds.ChannelWriterFailed, LogLevel.Debug, "Channel {Channel}: writing failed: {Reason}")]
        public static partial void WriterFailed(ILogger logger, string channel, string reason);

        [LoggerMessage(ProtocolEventIds.ChannelLoopFailed, LogLevel.Error, "Channel {Channel}: a channel loop failed unexpectedly")]
        public static partial void LoopFailed(ILogger logger, string channel, Exception exception);
    }
}
