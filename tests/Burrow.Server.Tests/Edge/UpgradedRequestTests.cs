using Burrow.Server.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Burrow.Server.Tests.Edge;

/// <summary>
/// The channel's closer for an upgraded request cuts it only while it runs: once the request has ended, Kestrel may
/// reuse the context for the next request on the connection, which a late close must not abort. (The window is
/// between the channel copying its closers and running them; here each order is set up directly.)
/// </summary>
public sealed class UpgradedRequestTests
{
    [Fact]
    public void A_close_while_the_request_runs_aborts_it_and_says_so()
    {
        var (context, lifetime) = Context();
        var upgraded = new UpgradedRequest(context);

        upgraded.Close();

        Assert.True(lifetime.Aborted);
        Assert.True(upgraded.ClosedByChannel);
    }

    [Fact]
    public void A_close_after_the_request_ended_leaves_its_context_alone()
    {
        var (context, lifetime) = Context();
        var upgraded = new UpgradedRequest(context);

        upgraded.End();
        upgraded.Close();

        Assert.False(lifetime.Aborted);
        Assert.False(upgraded.ClosedByChannel);
    }

    private static (HttpContext Context, RecordingLifetime Lifetime) Context()
    {
        var lifetime = new RecordingLifetime();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        return (context, lifetime);
    }

    private sealed class RecordingLifetime : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }
}
