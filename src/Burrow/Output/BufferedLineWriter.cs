using System.Threading.Channels;

namespace Burrow.Output;

/// <summary>
/// Writes lines from a background task and flushes only when no more lines are waiting, so a busy tunnel costs one
/// write per burst rather than one per request, and the agent's forwarding never waits for the terminal.
/// At most 10,000 lines wait; beyond that the oldest are dropped rather than memory growing.
/// </summary>
internal sealed class BufferedLineWriter : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly TextWriter _output;
    private readonly Task _writer;

    public BufferedLineWriter(TextWriter output)
    {
        _output = output;
        _writer = Task.Run(WriteAsync);
    }

    public void WriteLine(string line) => _lines.Writer.TryWrite(line);

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteAsync()
    {
        while (await _lines.Reader.WaitToReadAsync())
        {
            while (_lines.Reader.TryRead(out var line))
            {
                await _output.WriteLineAsync(line);
            }

            await _output.FlushAsync();
        }
    }
}
