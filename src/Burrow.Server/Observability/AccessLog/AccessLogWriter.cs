using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Observability.AccessLog;

/// <summary>
/// Takes access log entries from requests without ever making them wait: entries go into a bounded queue
/// (<see cref="AccessLogOptions.AccessLogQueueSize"/>) and one dedicated thread formats and writes them, flushing
/// whenever the queue runs empty. A full queue (a slow or stuck disk) drops the entry and counts it
/// (<see cref="Dropped"/>). <see cref="Reopen"/> makes the thread close and reopen the file before its next line, which
/// is what logrotate's SIGHUP asks for (the command wires the signal to it).
/// </summary>
internal sealed partial class AccessLogWriter : IAsyncDisposable
{
    private static readonly TimeSpan DropNoticeInterval = TimeSpan.FromMinutes(1);

    private readonly AccessLogOptions _options;
    private readonly Channel<AccessLogEntry> _queue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Thread? _thread;
    private long _dropped;
    private long _written;
    private volatile bool _reopen;
    private long _lastDropNotice = long.MinValue;

    /// <summary>Writer thread only: when the last open or write failure was logged, and how many since went unlogged.</summary>
    private long _lastFailureNotice = long.MinValue;
    private int _unreportedFailures;

    public AccessLogWriter(IOptions<AccessLogOptions> options, TimeProvider time, ILogger<AccessLogWriter> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(_options.AccessLogQueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>False when no access log is configured: the edge then builds no entries at all.</summary>
    public bool IsEnabled => _options.AccessLog is not null;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines written so far (for tests and the dashboard).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Starts the writer thread (the file is opened by it, so a slow open does not hold the server's start).</summary>
    public void Start()
    {
        if (!IsEnabled || _thread is not null)
        {
            return;
        }

        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "burrow access log" };
        _thread.Start();
    }

    /// <summary>Queues an entry; drops and counts it when the queue is full. Never waits.</summary>
    public void Add(AccessLogEntry entry)
    {
        if (_queue.Writer.TryWrite(entry))
        {
            return;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropNotice);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= DropNoticeInterval) && Interlocked.CompareExchange(ref _lastDropNotice, now, last) == last)
        {
            Log.Dropping(_logger, dropped, _options.AccessLogQueueSize);
        }
    }

    /// <summary>Closes and reopens the file before the next line (after logrotate moved it). Harmless for stdout.</summary>
    public void Reopen()
    {
        _reopen = true;
        Log.Reopening(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_thread is { } thread)
        {
            // What is queued gets a few seconds to reach the file; a stuck disk does not hold the shutdown.
            await Task.Run(() => thread.Join(TimeSpan.FromSeconds(5)));
        }
    }

    private void WriteLoop()
    {
        var formatter = new AccessLogFormatter(_options.AccessLogFormat);
        var reader = _queue.Reader;
        Stream? output = null;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                if (_reopen || output is null)
                {
                    _reopen = false;
                    output?.Dispose();
#pragma warning disable CA2000 // Disposed when replaced, on failure, and in the finally below.
                    output = Open();
#pragma warning restore CA2000
                    if (output is null)
                    {
                        // Could not open (logged): drop what is queued now and try again with the next entry.
                        while (reader.TryRead(out _))
                        {
                            Interlocked.Increment(ref _dropped);
                        }

                        continue;
                    }
                }

                try
                {
                    while (reader.TryRead(out var entry))
                    {
                        output.Write(formatter.Format(entry));
                        Interlocked.Increment(ref _written);
                    }

                    output.Flush();
                }
                catch (IOException ex)
                {
                    // The line being written is lost with the batch's tail; count it like a dropped one.
                    Interlocked.Increment(ref _dropped);
                    if (ShouldReportFailure(out var unreported))
                    {
                        Log.WriteFailed(_logger, _options.AccessLog!, ex.Message, unreported);
                    }

                    output.Dispose();
                    output = null;
                }
            }
        }
        finally
        {
            try
            {
                output?.Dispose();
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// A full disk or a deleted directory fails every batch, that is, with every request: one error a minute says so
    /// (with how many failures it stands for) without flooding the server's own log.
    /// </summary>
    private bool ShouldReportFailure(out int unreported)
    {
        var now = _time.GetTimestamp();
        if (_lastFailureNotice != long.MinValue && _time.GetElapsedTime(_lastFailureNotice, now) < DropNoticeInterval)
        {
            _unreportedFailures++;
            unreported = 0;
            return false;
        }

        _lastFailureNotice = now;
        unreported = _unreportedFailures;
        _unreportedFailures = 0;
        return true;
    }

    private Stream? Open()
    {
        var path = _options.AccessLog!;
        if (path.Equals("stdout", StringComparison.OrdinalIgnoreCase))
        {
            return Console.OpenStandardOutput();
        }

        try
        {
            // Owner-only when created here: the log holds visitors' addresses and paths.
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 64 * 1024 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new FileStream(path, options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (ShouldReportFailure(out var unreported))
            {
                Log.OpenFailed(_logger, path, ex.Message, unreported);
            }

            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.AccessLogDropping, LogLevel.Warning, "The access log falls behind: {Dropped} lines dropped so far (queue of {QueueSize} full)")]
        public static partial void Dropping(ILogger logger, long dropped, int queueSize);

        [LoggerMessage(ServerEventIds.AccessLogReopening, LogLevel.Information, "Reopening the access log")]
        public static partial void Reopening(ILogger logger);

        [LoggerMessage(ServerEventIds.AccessLogOpenFailed, LogLevel.Error, "Cannot open the access log {Path}: {Error} ({Unreported} failures since the last report)")]
        public static partial void OpenFailed(ILogger logger, string path, string error, int unreported);

        [LoggerMessage(ServerEventIds.AccessLogWriteFailed, LogLevel.Error, "Writing the access log {Path} failed: {Error} ({Unreported} failures since the last report)")]
        public static partial void WriteFailed(ILogger logger, string path, string error, int unreported);
    }
}
