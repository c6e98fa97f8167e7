using Microsoft.Extensions.Logging;

namespace Burrow.Protocol.Mux;

public sealed partial class MuxConnection
{
    private static partial class Log
    {
        [LoggerMessage(LogEventIds.ChannelClosed, LogLevel.Information, "Channel {Channel} closed: {Code} {Reason} (by peer: {ByPeer})")]
        public static partial void Closed(ILogger logger, string channel, ProtocolErrorCode code, string reason, bool byPeer);

        [LoggerMessage(LogEventIds.ChannelProtocolError, LogLevel.Warning, "Channel {Channel} closed on error {Code}: {Reason} (by peer: {ByPeer})")]
        public static partial void ProtocolError(ILogger logger, string channel, ProtocolErrorCode code, string reason, bool byPeer);

        [LoggerMessage(LogEventIds.ChannelKeepaliveTimeout, LogLevel.Warning, "Channel {Channel} is dead: {Reason}")]
        public static partial void KeepaliveTimeout(ILogger logger, string channel, string reason);

        [LoggerMessage(LogEventIds.ChannelGoAwayReceived, LogLevel.Information, "Channel {Channel}: peer sent GOAWAY {Code} {Reason}")]
        public static partial void GoAwayReceived(ILogger logger, string channel, ProtocolErrorCode code, string reason);

        [LoggerMessage(LogEventIds.ChannelGoAwaySent, LogLevel.Information, "Channel {Channel}: sent GOAWAY ({Reason}); draining open streams")]
        public static partial void GoAwaySent(ILogger logger, string channel, string reason);

        [LoggerMessage(LogEventIds.StreamRefused, LogLevel.Warning, "Channel {Channel}: refused stream {StreamId}: {Reason}")]
        public static partial void StreamRefused(ILogger logger, string channel, uint streamId, string reason);

        [LoggerMessage(LogEventIds.ChannelWriterFailed, LogLevel.Debug, "Channel {Channel}: writing failed: {Reason}")]
        public static partial void WriterFailed(ILogger logger, string channel, string reason);

        [LoggerMessage(LogEventIds.ChannelLoopFailed, LogLevel.Error, "Channel {Channel}: a channel loop failed unexpectedly")]
        public static partial void LoopFailed(ILogger logger, string channel, Exception exception);
    }
}
