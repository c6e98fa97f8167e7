namespace Burrow.Server.Observability;

/// <summary>Counts the request body bytes YARP reads from the visitor; installed only on requests that may have a body.</summary>
internal sealed class CountingRequestBody : Stream
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "Kestrel's request body: Kestrel owns it.")]
    private readonly Stream _inner;
    private readonly TunnelTraffic _traffic;
    private long _count;

    public CountingRequestBody(Stream inner, TunnelTraffic traffic)
    {
        _inner = inner;
        _traffic = traffic;
    }

    public long Count => _count;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Counted(await _inner.ReadAsync(buffer, cancellationToken));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Counted(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        _count += read;
        _traffic.AddIn(read);
        return read;
    }
}
