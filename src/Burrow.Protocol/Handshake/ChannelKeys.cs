using System.Security.Cryptography;
using Burrow.Protocol.Records;

namespace Burrow.Protocol.Handshake;

/// <summary>
/// Per-direction record keys derived from the registration key and both handshake nonces with HKDF-SHA256
/// (https://www.rfc-editor.org/rfc/rfc5869). Each direction gets its own 256-bit AES-GCM key and 96-bit IV, so
/// the two directions never share a (key, nonce) pair even though both count records from zero.
/// </summary>
public sealed class ChannelKeys
{
    private const int KeyMaterialSize = 32 + RecordLayout.NonceSize;

    private ChannelKeys(byte[] sendMaterial, byte[] receiveMaterial)
    {
        SendMaterial = sendMaterial;
        ReceiveMaterial = receiveMaterial;
    }

    /// <summary>Key (32 bytes) then IV (12 bytes) for records this side sends.</summary>
    internal byte[] SendMaterial { get; }

    /// <summary>Key (32 bytes) then IV (12 bytes) for records this side receives.</summary>
    internal byte[] ReceiveMaterial { get; }

    internal static ChannelKeys Derive(ReadOnlySpan<byte> key, ReadOnlySpan<byte> agentNonce, ReadOnlySpan<byte> serverNonce, bool isServer)
    {
        Span<byte> salt = stackalloc byte[agentNonce.Length + serverNonce.Length];
        agentNonce.CopyTo(salt);
        serverNonce.CopyTo(salt[agentNonce.Length..]);

        Span<byte> prk = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, key, salt, prk);

        var agentToServer = new byte[KeyMaterialSize];
        var serverToAgent = new byte[KeyMaterialSize];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, agentToServer, "burrow/1 agent->server"u8);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, serverToAgent, "burrow/1 server->agent"u8);
        CryptographicOperations.ZeroMemory(prk);

        return isServer ? new ChannelKeys(serverToAgent, agentToServer) : new ChannelKeys(agentToServer, serverToAgent);
    }

    internal RecordSealer CreateSealer() => new(SendMaterial.AsSpan(0, 32), SendMaterial.AsSpan(32));

    internal RecordOpener CreateOpener() => new(ReceiveMaterial.AsSpan(0, 32), ReceiveMaterial.AsSpan(32));
}
