using System.Net;
using Burrow.Agent;
using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Records;
using Burrow.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Channels;

/// <summary>
/// The channel port faces the internet before anyone is authenticated. Every bad first message, and a record altered
/// in flight, closes that connection, is logged with its reason, and leaves other tunnels serving.
/// </summary>
public sealed class ChannelAdmissionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TunnelTestHost _host = null!;
    private LocalTestServer _local = null!;
    private (string User, string Token) _alice;

    public async Task InitializeAsync()
    {
        _host = await TunnelTestHost.StartAsync(timeProvider: _time);
        _local = await LocalTestServer.StartAsync();
        _alice = _host.CreateUser("alice");
        await _host.StartAgentAsync(_alice.User, _alice.Token, "healthy", _local.Port);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _local.DisposeAsync();
    }

    [Fact]
    public async Task Garbage_first_message_closes_the_connection()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Garbage");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Oversized_first_message_closes_the_connection_without_reading_it()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        var oversized = new byte[4096];
        "BRWH"u8.CopyTo(oversized);
        oversized[4] = 1;
        oversized[5] = 0x0f;
        oversized[6] = 0xa0;
        await raw.SendAsync(oversized);

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Oversized");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Slow_first_message_is_cut_off_at_the_deadline()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        await raw.SendAsync("BRW"u8.ToArray());
        await Task.Delay(200);
        Assert.False(await raw.IsClosedByServerAsync(TimeSpan.FromMilliseconds(200)));

        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Timeout");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Unknown_id_closes_the_connection()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        await raw.SendAsync(RawChannelClient.Hello(ChannelTicket.Create()));

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "UnknownId");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Wrong_proof_closes_the_connection()
    {
        var ticket = await TicketAsync("proof");
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        await raw.SendAsync(RawChannelClient.Hello(ticket, keyOverride: new byte[32]));

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "BadProof");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Reused_id_closes_the_connection()
    {
        var ticket = await TicketAsync("reuse");
        await using var first = await RawChannelClient.ConnectAsync(_host);
        await first.SendAsync(RawChannelClient.Hello(ticket));
        var welcome = new byte[HandshakeMessages.WelcomeSize];
        await first.Stream.ReadExactlyAsync(welcome);

        await using var second = await RawChannelClient.ConnectAsync(_host);
        await second.SendAsync(RawChannelClient.Hello(ticket));

        Assert.True(await second.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "ReusedId");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Expired_id_closes_the_connection()
    {
        var ticket = await TicketAsync("late");
        _time.Advance(TimeSpan.FromSeconds(31));

        await using var raw = await RawChannelClient.ConnectAsync(_host);
        await raw.SendAsync(RawChannelClient.Hello(ticket));

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Expired");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Tampered_record_closes_channel()
    {
        var ticket = await TicketAsync("tamper");
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        var agentNonce = new byte[HandshakeMessages.NonceSize];
        await raw.SendAsync(RawChannelClient.Hello(ticket));
        var welcome = new byte[HandshakeMessages.WelcomeSize];
        await raw.Stream.ReadExactlyAsync(welcome);
        var keys = ChannelKeys.Derive(ticket.Key, agentNonce, welcome.AsSpan(HandshakeMessages.PrefixSize, HandshakeMessages.NonceSize), isServer: false);

        using var sealer = keys.CreateSealer();
        var record = new byte[RecordLayout.Overhead + 17];
        var ping = new byte[17];
        Burrow.Protocol.Mux.FrameWriter.WritePing(ping, 42, ack: false);
        sealer.Seal(ping, record);
        record[10] ^= 0x01;
        await raw.SendAsync(record);

        Assert.True(await raw.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(Burrow.Protocol.ProtocolEventIds.ChannelProtocolError, "BadRecord");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Silent_channel_is_detected_by_keepalive_and_cleaned_up()
    {
        var ticket = await TicketAsync("mute");
        await using var raw = await RawChannelClient.ConnectAsync(_host);
        await raw.SendAsync(RawChannelClient.Hello(ticket));
        await raw.Stream.ReadExactlyAsync(new byte[HandshakeMessages.WelcomeSize]);
        await _host.Logs.WaitForAsync(ServerEventIds.ChannelAccepted, "mute");

        // Time passes in keepalive steps; the healthy agent answers every PING, the raw peer never does.
        for (var step = 0; step < 4; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(150);
        }

        await _host.Logs.WaitForAsync(Burrow.Protocol.ProtocolEventIds.ChannelKeepaliveTimeout, "mute");
        Assert.True(await raw.IsClosedByServerAsync());
        using var response = await _host.PublicClient.GetAsync(_host.PublicUri("mute", "/"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Dead_agent_frees_its_name_for_the_same_user()
    {
        var agent = RunningAgent.Start(_host.AgentOptions(_alice.User, _alice.Token, new TunnelTarget("again", "127.0.0.1", _local.Port)));
        await agent.WaitOnlineAsync();
        await agent.StopAsync();

        await using var second = await _host.StartAgentAsync(_alice.User, _alice.Token, "again", _local.Port);
        using var response = await _host.PublicClient.GetAsync(_host.PublicUri("again", "/id/1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Channels_beyond_the_users_tunnel_limit_are_refused_even_when_registered_together()
    {
        // Both registrations pass the registration-time check (nothing is live yet); the channel port must still
        // hold the user to one live tunnel.
        var bob = _host.CreateUser("bob", maxTunnels: 1);
        var first = await RawChannelClient.RegisterAsync(_host, bob.User, bob.Token, "bob-one");
        var second = await RawChannelClient.RegisterAsync(_host, bob.User, bob.Token, "bob-two");
        Assert.True(ChannelTicket.TryParse(first.Id, first.Key, out var firstTicket));
        Assert.True(ChannelTicket.TryParse(second.Id, second.Key, out var secondTicket));

        await using var accepted = await RawChannelClient.ConnectAsync(_host);
        await accepted.SendAsync(RawChannelClient.Hello(firstTicket!));
        await _host.Logs.WaitForAsync(ServerEventIds.ChannelAccepted, "bob-one");

        await using var refused = await RawChannelClient.ConnectAsync(_host);
        await refused.SendAsync(RawChannelClient.Hello(secondTicket!));
        Assert.True(await refused.IsClosedByServerAsync());
        await _host.Logs.WaitForAsync(ServerEventIds.ChannelOverTunnelLimit, "bob-two");
        Assert.False(_host.Logs.Contains(ServerEventIds.ChannelAccepted, "bob-two"));
        await AssertOtherTunnelStillServesAsync();
    }

    private async Task<ChannelTicket> TicketAsync(string name)
    {
        var registration = await RawChannelClient.RegisterAsync(_host, _alice.User, _alice.Token, name);
        Assert.True(ChannelTicket.TryParse(registration.Id, registration.Key, out var ticket));
        return ticket!;
    }

    private async Task AssertOtherTunnelStillServesAsync()
    {
        using var response = await _host.PublicClient.GetAsync(_host.PublicUri("healthy", "/id/7"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("answer 7", await response.Content.ReadAsStringAsync());
    }
}
