using Burrow.Protocol.Mux.FlowControl;

namespace Burrow.Protocol.Tests.Mux.FlowControl;

/// <summary>Credit this side may send: partial takes, growth by the peer's updates, and an update that overflows.</summary>
public sealed class SendWindowTests
{
    [Fact]
    public void Take_gives_what_is_available_up_to_what_was_asked()
    {
        var window = new SendWindow(100);

        Assert.Equal(30, window.Take(30));
        Assert.Equal(70, window.Take(100));
        Assert.Equal(0, window.Take(5));
        Assert.Equal(0, window.Available);
    }

    [Fact]
    public void Updates_from_the_peer_add_credit()
    {
        var window = new SendWindow(0);

        Assert.True(window.TryGrow(10));
        Assert.True(window.TryGrow(FlowControlLimits.InitialWindowSize));
        Assert.Equal(FlowControlLimits.InitialWindowSize + 10, window.Available);
        Assert.Equal(FlowControlLimits.InitialWindowSize + 10, window.Take(int.MaxValue));
    }

    [Fact]
    public void Update_past_two_to_the_31_minus_one_is_refused()
    {
        var window = new SendWindow(FlowControlLimits.MaxWindowSize - 5);

        Assert.True(window.TryGrow(5));
        Assert.False(window.TryGrow(1));
    }
}
