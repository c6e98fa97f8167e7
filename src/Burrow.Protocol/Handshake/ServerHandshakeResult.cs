namespace Burrow.Protocol.Handshake;

/// <summary>A channel the server accepted: which ticket it presented and the record keys.</summary>
public sealed record ServerHandshakeResult(byte[] Id, ChannelKeys Keys);
