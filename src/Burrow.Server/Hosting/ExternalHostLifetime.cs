using Microsoft.Extensions.Hosting;

namespace Burrow.Server.Hosting;

/// <summary>
/// Replaces the console lifetime: whoever hosts the server (the <c>burrow</c> command, a test) owns Ctrl-C and
/// SIGTERM and calls <see cref="BurrowServer.StopAsync"/>, so agents always get GOAWAY before Kestrel stops.
/// </summary>
internal sealed class ExternalHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
