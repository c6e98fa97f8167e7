using System.IO.Pipelines;

namespace Burrow.Protocol.Tests.Infrastructure;

/// <summary>Two connected in-memory transports: what one writes, the other reads.</summary>
internal sealed class DuplexPipePair
{
    public DuplexPipePair(PipeOptions? options = null)
    {
        var toServer = new Pipe(options ?? PipeOptions.Default);
        var toAgent = new Pipe(options ?? PipeOptions.Default);
        Agent = new End(toAgent.Reader, toServer.Writer);
        Server = new End(toServer.Reader, toAgent.Writer);
    }

    public IDuplexPipe Agent { get; }

    public IDuplexPipe Server { get; }

    private sealed record End(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
