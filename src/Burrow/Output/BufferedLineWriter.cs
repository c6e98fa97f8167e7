using System.Threading.Channels;

namespace Burrow.Output;

/// <summary>
/// Writes lines from a background task, so the agent's forwarding never waits for the terminal or a log file.
/// The first line after a quiet spell goes out at once; lines that arrive during the next
/// <see cref="BatchInterval"/> are gathered into one write, so a busy tunnel costs a few writes a second rather
/// than one system call per request. At most 10,000 lines wait; beyond that the oldest are dropped rather than
/// memory growing.
/// </summary>
internal sealed class BufferedLineWriter : IAsyncDisposable
{
    /// <summary>How long lines gather after a write: short enough that a person tailing the log sees no lag.</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(50);

    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "The writer is the process's standard output, which this class borrows and flushes but never owns.")]
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly Task _writer;

    /// <param name="output">Written without flushing per line; flushed after each batch.</param>
    public BufferedLineWriter(TextWriter output, TimeProvider time)
    {
        _output = output;
        _time = time;
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
            if (!_lines.Reader.Completion.IsCompleted)
            {
                await Task.Delay(BatchInterval, _time);
            }
        }
    }
}
