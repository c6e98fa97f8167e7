using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Burrow.Server.Observability;

/// <summary>
/// Counts the response body bytes a forwarded request writes (YARP copies through <c>Response.Body</c>): one object per
/// forwarded request that is both the body feature and its stream, delegating everything else to Kestrel's feature.
/// Bytes go to the tunnel's totals as they pass, so a long download shows up in the bytes/s while it runs.
/// </summary>
internal sealed class CountingResponseBody : Stream, IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "Kestrel's response body: Kestrel owns it.")]
    private readonly Stream _stream;
    private readonly TunnelTraffic _traffic;
    private long _count;

    public CountingResponseBody(IHttpResponseBodyFeature inner, TunnelTraffic traffic)
    {
        _inner = inner;
        _stream = inner.Stream;
        _traffic = traffic;
    }

    /// <summary>Body bytes written so far.</summary>
    public long Count => _count;

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _inner.Writer;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Counted(count ?? 0);
        return _inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public Task CompleteAsync() => _inner.CompleteAsync();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Counted(buffer.Length);
        return _stream.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Counted(count);
        return _stream.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Counted(count);
        _stream.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _stream.FlushAsync(cancellationToken);

    public override void Flush() => _stream.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Counted(long bytes)
    {
        _count += bytes;
        _traffic.AddOut(bytes);
    }
}
