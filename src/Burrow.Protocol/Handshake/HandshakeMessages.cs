using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Burrow.Protocol.Handshake;

/// <summary>
/// The two plaintext messages that open a channel (docs/protocol.md, "Handshake").
/// <code>
/// HELLO (agent -> server), 87 bytes:
///  0        4     5            7              23                   55                  87
///  +--------+-----+------------+--------------+--------------------+-------------------+
///  | "BRWH" | ver | len = 80   | id (16)      | agent nonce (32)   | proof (32)        |
///  +--------+-----+------------+--------------+--------------------+-------------------+
///  proof = HMAC-SHA256(key, "burrow/1 hello" || id || agent nonce)
///
/// WELCOME (server -> agent), 71 bytes:
///  0        4     5            7                    39                  71
///  +--------+-----+------------+--------------------+-------------------+
///  | "BRWW" | ver | len = 64   | server nonce (32)  | proof (32)        |
///  +--------+-----+------------+--------------------+-------------------+
///  proof = HMAC-SHA256(key, "burrow/1 welcome" || id || agent nonce || server nonce)
///
/// BUSY (server -> agent), 8 bytes, instead of reading HELLO, when the server will not take a handshake now:
///  0        4     5            7        8
///  +--------+-----+------------+--------+
///  | "BRWB" | ver | len = 1    | reason |     reason: 1 = too many handshakes in progress, 2 = rate limited
///  +--------+-----+------------+--------+
/// </code>
/// The length field is checked before anything else so that an oversized or garbage first message is
/// rejected after reading at most <see cref="MaxFirstMessageSize"/> bytes.
/// </summary>
internal static class HandshakeMessages
{
    public const byte Version = 1;
    public const int PrefixSize = 7;
    public const int NonceSize = 32;
    public const int ProofSize = 32;
    public const int HelloBodySize = ChannelTicket.IdSize + NonceSize + ProofSize;
    public const int HelloSize = PrefixSize + HelloBodySize;
    public const int WelcomeBodySize = NonceSize + ProofSize;
    public const int WelcomeSize = PrefixSize + WelcomeBodySize;

    /// <summary>The server never reads more than this before the peer is authenticated.</summary>
    public const int MaxFirstMessageSize = 512;

    public static readonly byte[] HelloMagic = "BRWH"u8.ToArray();

    public static readonly byte[] WelcomeMagic = "BRWW"u8.ToArray();

    public static readonly byte[] BusyMagic = "BRWB"u8.ToArray();

    public const int BusyBodySize = 1;
    public const int BusySize = PrefixSize + BusyBodySize;

    private static ReadOnlySpan<byte> HelloLabel => "burrow/1 hello"u8;

    private static ReadOnlySpan<byte> WelcomeLabel => "burrow/1 welcome"u8;

    public static void WriteHello(Span<byte> destination, ReadOnlySpan<byte> id, ReadOnlySpan<byte> key, ReadOnlySpan<byte> agentNonce)
    {
        WritePrefix(destination, HelloMagic, HelloBodySize);
        id.CopyTo(destination[PrefixSize..]);
        agentNonce.CopyTo(destination[(PrefixSize + ChannelTicket.IdSize)..]);
        ComputeHelloProof(key, id, agentNonce, destination[(PrefixSize + ChannelTicket.IdSize + NonceSize)..]);
    }

    public static void WriteWelcome(Span<byte> destination, ReadOnlySpan<byte> id, ReadOnlySpan<byte> key, ReadOnlySpan<byte> agentNonce, ReadOnlySpan<byte> serverNonce)
    {
        WritePrefix(destination, WelcomeMagic, WelcomeBodySize);
        serverNonce.CopyTo(destination[PrefixSize..]);
        ComputeWelcomeProof(key, id, agentNonce, serverNonce, destination[(PrefixSize + NonceSize)..]);
    }

    public static void WriteBusy(Span<byte> destination, HandshakeBusyReason reason)
    {
        WritePrefix(destination, BusyMagic, BusyBodySize);
        destination[PrefixSize] = (byte)reason;
    }

    /// <summary>Validates magic, version and length of a message prefix; returns the body length.</summary>
    public static HandshakeFailure CheckPrefix(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> magic, int expectedBodySize)
    {
        if (!prefix[..4].SequenceEqual(magic))
        {
            return HandshakeFailure.Garbage;
        }

        if (prefix[4] != Version)
        {
            return HandshakeFailure.UnsupportedVersion;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix[5..]);
        if (PrefixSize + length > MaxFirstMessageSize)
        {
            return HandshakeFailure.Oversized;
        }

        return length == expectedBodySize ? HandshakeFailure.None : HandshakeFailure.WrongSize;
    }

    public static void ComputeHelloProof(ReadOnlySpan<byte> key, ReadOnlySpan<byte> id, ReadOnlySpan<byte> agentNonce, Span<byte> proof)
    {
        Span<byte> input = stackalloc byte[HelloLabel.Length + ChannelTicket.IdSize + NonceSize];
        HelloLabel.CopyTo(input);
        id.CopyTo(input[HelloLabel.Length..]);
        agentNonce.CopyTo(input[(HelloLabel.Length + ChannelTicket.IdSize)..]);
        HMACSHA256.HashData(key, input, proof);
    }

    public static void ComputeWelcomeProof(ReadOnlySpan<byte> key, ReadOnlySpan<byte> id, ReadOnlySpan<byte> agentNonce, ReadOnlySpan<byte> serverNonce, Span<byte> proof)
    {
        Span<byte> input = stackalloc byte[WelcomeLabel.Length + ChannelTicket.IdSize + (2 * NonceSize)];
        WelcomeLabel.CopyTo(input);
        id.CopyTo(input[WelcomeLabel.Length..]);
        agentNonce.CopyTo(input[(WelcomeLabel.Length + ChannelTicket.IdSize)..]);
        serverNonce.CopyTo(input[(WelcomeLabel.Length + ChannelTicket.IdSize + NonceSize)..]);
        HMACSHA256.HashData(key, input, proof);
    }

    private static void WritePrefix(Span<byte> destination, ReadOnlySpan<byte> magic, int bodySize)
    {
        magic.CopyTo(destination);
        destination[4] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)bodySize);
    }
}
