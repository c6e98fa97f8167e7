using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace Burrow.Protocol.Handshake;

/// <summary>
/// Runs the plaintext exchange that turns a fresh TCP connection into an authenticated channel
/// (docs/protocol.md, "Handshake"). The server reads at most <see cref="HandshakeMessages.MaxFirstMessageSize"/>
/// bytes, within a deadline, from a peer it does not trust yet.
/// </summary>
public static class ChannelHandshake
{
    /// <summary>Agent side: sends HELLO, checks WELCOME, derives the record keys.</summary>
    public static async ValueTask<ChannelKeys> ConnectAsync(IDuplexPipe transport, ChannelTicket ticket, CancellationToken cancellationToken)
    {
        var agentNonce = RandomNumberGenerator.GetBytes(HandshakeMessages.NonceSize);
        var hello = new byte[HandshakeMessages.HelloSize];
        HandshakeMessages.WriteHello(hello, ticket.Id, ticket.Key, agentNonce);
        await transport.Output.WriteAsync(hello, cancellationToken);

        var welcome = await ReadWelcomeAsync(transport.Input, cancellationToken);
        if (welcome is null)
        {
            throw new HandshakeException(HandshakeFailure.Rejected, "The server closed the channel during the handshake: the registration expired, was used already, or the key is wrong.");
        }

        var serverNonce = welcome.AsSpan(HandshakeMessages.PrefixSize, HandshakeMessages.NonceSize);
        Span<byte> expected = stackalloc byte[HandshakeMessages.ProofSize];
        HandshakeMessages.ComputeWelcomeProof(ticket.Key, ticket.Id, agentNonce, serverNonce, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, welcome.AsSpan(HandshakeMessages.PrefixSize + HandshakeMessages.NonceSize)))
        {
            throw new HandshakeException(HandshakeFailure.BadProof, "The server could not prove that it holds the channel key.");
        }

        return ChannelKeys.Derive(ticket.Key, agentNonce, serverNonce, isServer: false);
    }

    /// <summary>
    /// Server side: answers BUSY without reading anything, for a connection the server will not take now. Unlike a
    /// rejected HELLO, this says nothing about any ticket, so the agent may be told, and can tell the user, that it is
    /// being throttled rather than refused.
    /// </summary>
    public static async ValueTask RefuseBusyAsync(IDuplexPipe transport, HandshakeBusyReason reason, CancellationToken cancellationToken)
    {
        var busy = new byte[HandshakeMessages.BusySize];
        HandshakeMessages.WriteBusy(busy, reason);
        await transport.Output.WriteAsync(busy, cancellationToken);
    }

    /// <summary>
    /// Server side: reads HELLO within <paramref name="deadline"/>, checks the id and proof, consumes the id and
    /// answers WELCOME. Throws <see cref="HandshakeException"/> with the failed check; the caller closes the connection
    /// without telling the peer why.
    /// </summary>
    public static async ValueTask<ServerHandshakeResult> AcceptAsync(
        IDuplexPipe transport,
        IChannelTicketLookup tickets,
        TimeSpan deadline,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(deadline, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        byte[]? hello;
        try
        {
            hello = await ReadMessageAsync(transport.Input, HandshakeMessages.HelloMagic, HandshakeMessages.HelloBodySize, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(HandshakeFailure.Timeout, $"No complete first message within {deadline.TotalSeconds:0.#} s.");
        }

        if (hello is null)
        {
            throw new HandshakeException(HandshakeFailure.Truncated, "The connection closed before a complete first message.");
        }

        var id = hello.AsSpan(HandshakeMessages.PrefixSize, ChannelTicket.IdSize).ToArray();
        var agentNonce = hello.AsSpan(HandshakeMessages.PrefixSize + ChannelTicket.IdSize, HandshakeMessages.NonceSize).ToArray();
        var failure = tickets.TryGetKey(id, out var key);
        if (failure != HandshakeFailure.None || key is null)
        {
            throw new HandshakeException(failure == HandshakeFailure.None ? HandshakeFailure.UnknownId : failure, $"Channel id rejected: {failure}.");
        }

        Span<byte> expected = stackalloc byte[HandshakeMessages.ProofSize];
        HandshakeMessages.ComputeHelloProof(key, id, agentNonce, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, hello.AsSpan(HandshakeMessages.PrefixSize + ChannelTicket.IdSize + HandshakeMessages.NonceSize)))
        {
            throw new HandshakeException(HandshakeFailure.BadProof, "The proof does not match the key issued for this id.");
        }

        if (!tickets.TryConsume(id))
        {
            throw new HandshakeException(HandshakeFailure.ReusedId, "The channel id was used already.");
        }

        var serverNonce = RandomNumberGenerator.GetBytes(HandshakeMessages.NonceSize);
        var welcome = new byte[HandshakeMessages.WelcomeSize];
        HandshakeMessages.WriteWelcome(welcome, id, key, agentNonce, serverNonce);
        await transport.Output.WriteAsync(welcome, cancellationToken);

        return new ServerHandshakeResult(id, ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: true));
    }

    /// <summary>Agent side: WELCOME, or a BUSY refusal thrown as <see cref="HandshakeFailure.Busy"/>.</summary>
    private static async ValueTask<byte[]?> ReadWelcomeAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= HandshakeMessages.BusySize && StartsLike(buffer, HandshakeMessages.BusyMagic))
            {
                var reason = (HandshakeBusyReason)buffer.Slice(HandshakeMessages.PrefixSize, 1).FirstSpan[0];
                input.AdvanceTo(buffer.GetPosition(HandshakeMessages.BusySize));
                throw new HandshakeException(HandshakeFailure.Busy, reason == HandshakeBusyReason.RateLimited
                    ? "The server is rate limiting new channels from this network."
                    : "The server has too many channel handshakes in progress.");
            }

            if ((buffer.Length >= 4 && !StartsLike(buffer, HandshakeMessages.BusyMagic)) || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                return await ReadMessageAsync(input, HandshakeMessages.WelcomeMagic, HandshakeMessages.WelcomeBodySize, cancellationToken);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Reads exactly one prefixed message, checking the prefix as soon as it is complete so that garbage or an
    /// oversized length is rejected without reading further. Returns null when the peer closes first.
    /// </summary>
    private static async ValueTask<byte[]?> ReadMessageAsync(PipeReader input, byte[] magic, int bodySize, CancellationToken cancellationToken)
    {
        var total = HandshakeMessages.PrefixSize + bodySize;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= HandshakeMessages.PrefixSize)
            {
                var failure = CheckPrefix(buffer, magic, bodySize);
                if (failure != HandshakeFailure.None)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    throw new HandshakeException(failure, $"First message rejected: {failure}.");
                }

                if (buffer.Length >= total)
                {
                    var message = buffer.Slice(0, total).ToArray();
                    input.AdvanceTo(buffer.GetPosition(total));
                    return message;
                }
            }
            else if (buffer.Length > 0 && !StartsLike(buffer, magic))
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                throw new HandshakeException(HandshakeFailure.Garbage, "First message rejected: Garbage.");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static HandshakeFailure CheckPrefix(ReadOnlySequence<byte> buffer, byte[] magic, int bodySize)
    {
        Span<byte> prefix = stackalloc byte[HandshakeMessages.PrefixSize];
        buffer.Slice(0, HandshakeMessages.PrefixSize).CopyTo(prefix);
        return HandshakeMessages.CheckPrefix(prefix, magic, bodySize);
    }

    private static bool StartsLike(ReadOnlySequence<byte> buffer, byte[] magic)
    {
        Span<byte> head = stackalloc byte[4];
        var length = (int)Math.Min(buffer.Length, 4);
        buffer.Slice(0, length).CopyTo(head);
        return head[..length].SequenceEqual(magic.AsSpan(0, length));
    }
}
