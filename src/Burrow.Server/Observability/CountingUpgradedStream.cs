namespace Burrow.Server.Observability;

/// <summary>
/// The visitor's side of an upgraded connection, counting as bytes pass: what YARP reads went to the local server
/// (in), what it writes came from it (out). Everything else is the inner stream's.
/// </summary>
internal sealed class CountingUpgradedStream : Stream
{
    private readonly Stream _inner;
    private readonly TunnelTraffic _traffic;
    private long _in;
    private long _out;

    public CountingUpgradedStream(Stream inner, TunnelTraffic traffic)
    {
        _inner = inner;
        _traffic = traffic;
    }

    public long BytesIn => Interlocked.Read(ref _in);

    public long BytesOut => Interlocked.Read(ref _out);

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => CountedIn(await _inner.ReadAsync(buffer, cancellationToken));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => CountedIn(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override int Read(byte[] buffer, int offset, int count) => CountedIn(_inner.Read(buffer, offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CountOut(buffer.Length);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        CountOut(count);
        return _inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        CountOut(count);
        _inner.Write(buffer, offset, count);
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int CountedIn(int read)
    {
        Interlocked.Add(ref _in, read);
        _traffic.AddIn(read);
        return read;
    }

    private void CountOut(int written)
    {
        Interlocked.Add(ref _out, written);
        _traffic.AddOut(written);
    }
}
