namespace Burrow.Protocol.Mux;

/// <summary>Why a channel closed: the code (sent in GOAWAY unless <see cref="ByPeer"/>), a readable message, and who closed it.</summary>
public sealed record MuxCloseReason(ProtocolErrorCode Code, string Message, bool ByPeer);
