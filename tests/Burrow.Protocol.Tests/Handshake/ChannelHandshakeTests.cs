using System.Buffers;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Records;
using Burrow.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Protocol.Tests.Handshake;

public sealed class ChannelHandshakeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();
    private readonly TicketTable _tickets = new();
    private readonly DuplexPipePair _pipes = new();

    private Task<ServerHandshakeResult> AcceptAsync() => ChannelHandshake.AcceptAsync(_pipes.Server, _tickets, Deadline, _time, CancellationToken.None).AsTask();

    private async Task<HandshakeFailure> RejectionOf(byte[] firstBytes, bool complete = true)
    {
        var accept = AcceptAsync();
        await _pipes.Agent.Output.WriteAsync(firstBytes);
        if (complete)
        {
            await _pipes.Agent.Output.CompleteAsync();
        }

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => accept.WaitAsync(TimeSpan.FromSeconds(10)));
        return ex.Failure;
    }

    [Fact]
    public async Task Valid_hello_derives_keys_that_interoperate()
    {
        var ticket = ChannelTicket.Create();
        _tickets.Add(ticket);
        var accept = AcceptAsync();
        var agentKeys = await ChannelHandshake.ConnectAsync(_pipes.Agent, ticket, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var server = await accept.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ticket.Id, server.Id);
        using var sealer = agentKeys.CreateSealer();
        using var opener = server.Keys.CreateOpener();
        var record = new byte[RecordLayout.Overhead + 3];
        sealer.Seal([1, 2, 3], record);
        var buffer = new ReadOnlySequence<byte>(record);
        var scratch = new byte[RecordLayout.MaxRecordSize];
        Assert.True(opener.TryOpen(ref buffer, scratch, out var length));
        Assert.Equal([1, 2, 3], scratch[..length]);
    }

    [Fact]
    public async Task Garbage_is_rejected() => Assert.Equal(HandshakeFailure.Garbage, await RejectionOf("GET / HTTP/1.1\r\n\r\n"u8.ToArray()));

    [Fact]
    public async Task Garbage_is_rejected_from_its_first_bytes() => Assert.Equal(HandshakeFailure.Garbage, await RejectionOf("XY"u8.ToArray(), complete: false));

    [Fact]
    public async Task Oversized_length_is_rejected_before_the_body() => Assert.Equal(HandshakeFailure.Oversized, await RejectionOf([.. "BRWH"u8, 1, 0x02, 0x00], complete: false));

    [Fact]
    public async Task Wrong_length_is_rejected() => Assert.Equal(HandshakeFailure.WrongSize, await RejectionOf([.. "BRWH"u8, 1, 0x00, 0x10]));

    [Fact]
    public async Task Unsupported_version_is_rejected() => Assert.Equal(HandshakeFailure.UnsupportedVersion, await RejectionOf([.. "BRWH"u8, 9, 0x00, 80]));

    [Fact]
    public async Task Unknown_id_is_rejected() => Assert.Equal(HandshakeFailure.UnknownId, await RejectionOf(Hello(ChannelTicket.Create())));

    [Fact]
    public async Task Expired_id_is_rejected()
    {
        var ticket = ChannelTicket.Create();
        _tickets.Add(ticket, expired: true);
        Assert.Equal(HandshakeFailure.Expired, await RejectionOf(Hello(ticket)));
    }

    [Fact]
    public async Task Wrong_proof_is_rejected()
    {
        var ticket = ChannelTicket.Create();
        _tickets.Add(ticket);
        Assert.Equal(HandshakeFailure.BadProof, await RejectionOf(Hello(ticket, new byte[32])));
    }

    [Fact]
    public async Task Reused_id_is_rejected()
    {
        var ticket = ChannelTicket.Create();
        _tickets.Add(ticket);
        Assert.True(_tickets.TryConsume(ticket.Id));
        Assert.Equal(HandshakeFailure.ReusedId, await RejectionOf(Hello(ticket)));
    }

    [Fact]
    public async Task Truncated_hello_is_rejected() => Assert.Equal(HandshakeFailure.Truncated, await RejectionOf(Hello(ChannelTicket.Create())[..40]));

    [Fact]
    public async Task Silence_is_cut_off_at_the_deadline()
    {
        var accept = AcceptAsync();
        await _pipes.Agent.Output.WriteAsync("BRW"u8.ToArray());
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(accept.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => accept.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HandshakeFailure.Timeout, ex.Failure);
    }

    [Fact]
    public async Task Agent_rejects_a_server_that_cannot_prove_the_key()
    {
        var ticket = ChannelTicket.Create();
        var connect = ChannelHandshake.ConnectAsync(_pipes.Agent, ticket, CancellationToken.None).AsTask();
        var welcome = new byte[HandshakeMessages.WelcomeSize];
        HandshakeMessages.WriteWelcome(welcome, ticket.Id, new byte[32], new byte[32], new byte[32]);
        await _pipes.Server.Output.WriteAsync(welcome);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => connect.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HandshakeFailure.BadProof, ex.Failure);
    }

    [Fact]
    public async Task Agent_reports_a_server_that_hangs_up()
    {
        var connect = ChannelHandshake.ConnectAsync(_pipes.Agent, ChannelTicket.Create(), CancellationToken.None).AsTask();
        await _pipes.Server.Output.CompleteAsync();

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => connect.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HandshakeFailure.Rejected, ex.Failure);
    }

    private static byte[] Hello(ChannelTicket ticket, byte[]? key = null)
    {
        var hello = new byte[HandshakeMessages.HelloSize];
        HandshakeMessages.WriteHello(hello, ticket.Id, key ?? ticket.Key, new byte[HandshakeMessages.NonceSize]);
        return hello;
    }
}
