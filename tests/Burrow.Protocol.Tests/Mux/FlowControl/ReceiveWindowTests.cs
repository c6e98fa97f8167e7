using Burrow.Protocol.Mux.FlowControl;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Protocol.Tests.Mux.FlowControl;

/// <summary>What the peer may send us: batched updates, growth by round trip up to the maximum, and overflow.</summary>
public sealed class ReceiveWindowTests
{
    private const int Initial = 64 * 1024;
    private static readonly TimeSpan RoundTrip = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Data_within_the_window_is_accepted_and_one_byte_more_is_refused()
    {
        var window = new ReceiveWindow(Initial, Initial, _time.GetTimestamp());

        Assert.True(window.TryReceive(Initial - 1));
        Assert.True(window.TryReceive(1));
        Assert.False(window.TryReceive(1));
    }

    [Fact]
    public void Updates_are_batched_until_half_the_window_is_consumed()
    {
        var window = new ReceiveWindow(Initial, Initial, _time.GetTimestamp());
        Assert.True(window.TryReceive(Initial));

        Assert.Equal(0, window.OnConsumed(16 * 1024, _time, RoundTrip));
        Assert.Equal(0, window.OnConsumed((16 * 1024) - 1, _time, RoundTrip));
        Assert.Equal(Initial / 2, window.OnConsumed(1, _time, RoundTrip));

        // The announced credit is what the peer may send again; the next batch starts from zero.
        Assert.True(window.TryReceive(Initial / 2));
        Assert.False(window.TryReceive(1));
        Assert.Equal(0, window.OnConsumed(1, _time, RoundTrip));
    }

    [Fact]
    public void Window_doubles_when_half_of_it_is_consumed_within_two_round_trips()
    {
        var window = new ReceiveWindow(Initial, 1024 * 1024, _time.GetTimestamp());
        Assert.True(window.TryReceive(Initial / 2));
        _time.Advance(RoundTrip);

        // 32 KiB consumed, plus 64 KiB of growth: the peer may now have 128 KiB in flight.
        Assert.Equal((Initial / 2) + Initial, window.OnConsumed(Initial / 2, _time, RoundTrip));
        Assert.True(window.TryReceive(2 * Initial));
        Assert.False(window.TryReceive(1));
    }

    [Fact]
    public void Window_keeps_its_size_when_the_consumer_takes_longer_than_two_round_trips()
    {
        var window = new ReceiveWindow(Initial, 1024 * 1024, _time.GetTimestamp());
        Assert.True(window.TryReceive(Initial / 2));
        _time.Advance(3 * RoundTrip);

        Assert.Equal(Initial / 2, window.OnConsumed(Initial / 2, _time, RoundTrip));
        Assert.True(window.TryReceive(Initial));
        Assert.False(window.TryReceive(1));
    }

    [Fact]
    public void Growth_stops_at_the_maximum_and_batches_follow_the_grown_size()
    {
        var window = new ReceiveWindow(Initial, 2 * Initial, _time.GetTimestamp());

        Assert.Equal((Initial / 2) + Initial, window.OnConsumed(Initial / 2, _time, RoundTrip));

        // Now 128 KiB: half of it is the batch, and it cannot grow further however fast it is read.
        Assert.Equal(0, window.OnConsumed((Initial / 2) + 1, _time, RoundTrip));
        Assert.Equal(Initial, window.OnConsumed((Initial / 2) - 1, _time, RoundTrip));
        Assert.Equal(Initial, window.OnConsumed(Initial, _time, RoundTrip));
    }

    [Fact]
    public void Expand_raises_the_window_at_once_and_never_lowers_it()
    {
        var window = new ReceiveWindow(Initial, 16 * 1024 * 1024, _time.GetTimestamp());

        Assert.Equal((16 * 1024 * 1024) - Initial, window.Expand(16 * 1024 * 1024));
        Assert.Equal(0, window.Expand(Initial));
        Assert.True(window.TryReceive(16 * 1024 * 1024));
        Assert.False(window.TryReceive(1));
    }
}
