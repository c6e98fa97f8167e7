using System.IO.Pipelines;

namespace Burrow.Agent;

/// <summary>A socket stream seen as a pair of pipes, the shape <see cref="Protocol.Mux.MuxConnection"/> runs on.</summary>
internal sealed class DuplexPipe : IDuplexPipe
{
    public DuplexPipe(Stream stream)
    {
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: false));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }
}
