using System.Net;
using Burrow.Agent;
using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Records;
using Burrow.Server.Channels;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Server.Tests.Channels;

/// <summary>
/// The channel port faces the internet before anyone is authenticated. Every bad first message, and a record altered
/// in flight, closes that connection, is logged with its reason, and leaves other tunnels serving.
/// </summary>
public sealed class ChannelAdmissionTests : IAsyncLifetime
{
    private static readonly TimeSpan KeepAliveInterval = new MuxOptions().KeepAliveInterval;
    private static readonly TimeSpan HandshakeTimeout = new ChannelOptions().HandshakeTimeout;
    private static readonly int KeepAliveMissedIntervals = new MuxOptions().KeepAliveMissedIntervals;
    private readonly WatchedFakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TunnelScenario _scenario = null!;

    public async Task InitializeAsync() => _scenario = await TunnelScenario.StartAsync("healthy", timeProvider: _time);

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task Garbage_first_message_closes_the_connection()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        Assert.True(await raw.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Garbage");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Oversized_first_message_closes_the_connection_without_reading_it()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        var oversized = new byte[4096];
        "BRWH"u8.CopyTo(oversized);
        oversized[4] = 1;
        oversized[5] = 0x0f;
        oversized[6] = 0xa0;
        await raw.SendAsync(oversized);

        Assert.True(await raw.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Oversized");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Slow_first_message_is_cut_off_at_the_deadline()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        await raw.SendAsync("BRW"u8.ToArray());

        // The server has taken the connection in and armed its handshake deadline on the fake clock; before the
        // deadline, an incomplete first message keeps the connection open.
        await _time.WaitForArmedTimersAsync(HandshakeTimeout, 1);
        Assert.False(await raw.IsClosedByServerAsync(TimeSpan.FromMilliseconds(200)));

        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.True(await raw.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Timeout");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Unknown_id_closes_the_connection()
    {
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        await raw.SendAsync(RawChannelClient.Hello(ChannelTicket.Create()));

        Assert.True(await raw.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "UnknownId");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Wrong_proof_closes_the_connection()
    {
        var ticket = await TicketAsync("proof");
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        await raw.SendAsync(RawChannelClient.Hello(ticket, keyOverride: new byte[32]));

        Assert.True(await raw.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "BadProof");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Reused_id_closes_the_connection()
    {
        var ticket = await TicketAsync("reuse");
        await using var first = await RawChannelClient.ConnectAsync(_scenario.Host);
        await first.SendAsync(RawChannelClient.Hello(ticket));
        var welcome = new byte[HandshakeMessages.WelcomeSize];
        await first.Stream.ReadExactlyAsync(welcome);

        await using var second = await RawChannelClient.ConnectAsync(_scenario.Host);
        await second.SendAsync(RawChannelClient.Hello(ticket));

        Assert.True(await second.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "ReusedId");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Expired_id_closes_the_connection()
    {
        var ticket = await TicketAsync("late");
        _time.Advance(TimeSpan.FromSeconds(31));

        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        await raw.SendAsync(RawChannelClient.Hello(ticket));

        Assert.True(await raw.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.HandshakeRejected, "Expired");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Tampered_record_closes_channel()
    {
        var ticket = await TicketAsync("tamper");
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
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
        await _scenario.Host.Logs.WaitForAsync(Burrow.Protocol.ProtocolEventIds.ChannelProtocolError, "BadRecord");
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Silent_channel_is_detected_by_keepalive_and_cleaned_up()
    {
        var ticket = await TicketAsync("mute");
        await using var raw = await RawChannelClient.ConnectAsync(_scenario.Host);
        await raw.SendAsync(RawChannelClient.Hello(ticket));
        await raw.Stream.ReadExactlyAsync(new byte[HandshakeMessages.WelcomeSize]);
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelAccepted, "mute");
        var healthy = _scenario.Host.Server.Services.GetRequiredService<TunnelRegistry>().Channels.Single(c => c.Names.Contains("healthy")).Connection;
        var answered = 0;
        var pingAnswered = new ChangeSignal();
        healthy.PingAcknowledged += () =>
        {
            Interlocked.Increment(ref answered);
            pingAnswered.Pulse();
        };

        // Time passes in keepalive steps. Before each step both channels' keepalive loops wait on the clock again;
        // after it the healthy agent has answered the server's PING, and the raw peer never does. The third silent
        // interval is the mute channel's last.
        for (var step = 1; step <= KeepAliveMissedIntervals; step++)
        {
            await _time.WaitForArmedTimersAsync(KeepAliveInterval, 2);
            var before = Volatile.Read(ref answered);
            _time.Advance(KeepAliveInterval);
            if (step < KeepAliveMissedIntervals)
            {
                await pingAnswered.WaitUntilAsync(() => Volatile.Read(ref answered) > before, TimeSpan.FromSeconds(15), () => $"the healthy agent did not answer the PING of step {step}");
            }
        }

        await _scenario.Host.Logs.WaitForAsync(Burrow.Protocol.ProtocolEventIds.ChannelKeepaliveTimeout, "mute");
        Assert.True(await raw.IsClosedByServerAsync());
        using var response = await _scenario.Host.PublicClient.GetAsync(_scenario.Host.PublicUri("mute", "/"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await AssertOtherTunnelStillServesAsync();
    }

    [Fact]
    public async Task Dead_agent_frees_its_name_for_the_same_user()
    {
        await using (var agent = RunningAgent.Start(_scenario.AgentOptions("again")))
        {
            await agent.WaitOnlineAsync();
            await agent.StopAsync();
        }

        await _scenario.StartAgentAsync("again");
        using var response = await _scenario.PublicClient.GetAsync(_scenario.Host.PublicUri("again", "/id/1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Channels_beyond_the_users_tunnel_limit_are_refused_even_when_registered_together()
    {
        // Both registrations pass the registration-time check (nothing is live yet); the channel port must still
        // hold the user to one live tunnel.
        var bob = _scenario.Host.CreateUser("bob", maxTunnels: 1);
        var first = await RawChannelClient.RegisterAsync(_scenario.Host, bob.User, bob.Token, "bob-one");
        var second = await RawChannelClient.RegisterAsync(_scenario.Host, bob.User, bob.Token, "bob-two");
        Assert.True(ChannelTicket.TryParse(first.Id, first.Key, out var firstTicket));
        Assert.True(ChannelTicket.TryParse(second.Id, second.Key, out var secondTicket));

        await using var accepted = await RawChannelClient.ConnectAsync(_scenario.Host);
        await accepted.SendAsync(RawChannelClient.Hello(firstTicket!));
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelAccepted, "bob-one");

        await using var refused = await RawChannelClient.ConnectAsync(_scenario.Host);
        await refused.SendAsync(RawChannelClient.Hello(secondTicket!));
        Assert.True(await refused.IsClosedByServerAsync());
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelOverTunnelLimit, "bob-two");
        Assert.False(_scenario.Host.Logs.Contains(ServerEventIds.ChannelAccepted, "bob-two"));
        await AssertOtherTunnelStillServesAsync();
    }

    private async Task<ChannelTicket> TicketAsync(string name)
    {
        var registration = await RawChannelClient.RegisterAsync(_scenario.Host, _scenario.User, _scenario.Token, name);
        Assert.True(ChannelTicket.TryParse(registration.Id, registration.Key, out var ticket));
        return ticket!;
    }

    private async Task AssertOtherTunnelStillServesAsync()
    {
        using var response = await _scenario.Host.PublicClient.GetAsync(_scenario.Host.PublicUri("healthy", "/id/7"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("answer 7", await response.Content.ReadAsStringAsync());
    }
}
