using System.Security.Cryptography;

namespace Burrow.Testing;

/// <summary>A read-only stream of <see cref="LocalTestServer.Fill"/> content, so large uploads need no large buffer.</summary>
public sealed class GeneratedStream : Stream
{
    private readonly long _length;
    private readonly Action<long>? _onRead;
    private long _position;

    /// <param name="length">Bytes the stream yields.</param>
    /// <param name="onRead">Called after each read with the position reached (a test samples memory with it).</param>
    public GeneratedStream(long length, Action<long>? onRead = null)
    {
        _length = length;
        _onRead = onRead;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public static string Sha256Hex(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        for (long offset = 0; offset < length; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, length - offset);
            LocalTestServer.Fill(buffer.AsSpan(0, n), offset);
            hash.AppendData(buffer, 0, n);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        LocalTestServer.Fill(buffer[..n], _position);
        _position += n;
        _onRead?.Invoke(_position);
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
