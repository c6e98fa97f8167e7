using Burrow.Protocol;
using Burrow.Protocol.Mux;

namespace Burrow.Agent.Connection;

/// <summary>Why a channel ended, in the words the person running the agent reads ("reconnecting in 1.0 s: ...").</summary>
internal static class ChannelEnding
{
    private const string ReadFailed = "Reading the channel failed: ";

    /// <param name="reason">How the channel closed.</param>
    /// <param name="serverSaid">The reason in the server's last GOAWAY, if it sent one: it says best what happened.</param>
    public static string Describe(MuxCloseReason reason, string? serverSaid)
    {
        if (reason.ByPeer && !string.IsNullOrWhiteSpace(serverSaid))
        {
            return $"the server closed the tunnel: {PeerText.Escape(serverSaid)}";
        }

        return reason.Code switch
        {
            ProtocolErrorCode.KeepaliveTimeout => $"the server stopped answering ({Plain(reason.Message)})",
            ProtocolErrorCode.ConnectionLost when reason.Message.StartsWith(ReadFailed, StringComparison.Ordinal)
                => $"the connection to the server failed: {Plain(reason.Message[ReadFailed.Length..])}",
            ProtocolErrorCode.ConnectionLost or ProtocolErrorCode.NoError when reason.ByPeer => "the server closed the connection",
            _ => $"the channel broke: {Plain(reason.Message)}",
        };
    }

    /// <summary>A sentence fragment: no capital at the start, no full stop at the end.</summary>
    private static string Plain(string message)
    {
        var text = PeerText.Escape(message).TrimEnd('.');
        return text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }
}
