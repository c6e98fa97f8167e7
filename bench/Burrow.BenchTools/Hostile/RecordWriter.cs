using System.Buffers;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Records;

namespace Burrow.BenchTools.Hostile;

/// <summary>
/// Seals whatever frames a scripted peer composes into records (docs/protocol.md section 3) and writes them to the
/// socket: no mux, no window accounting, nothing sent that the script did not ask for.
/// </summary>
internal sealed class RecordWriter(Stream stream, RecordSealer sealer)
{
    private readonly byte[] _plaintext = new byte[RecordLayout.MaxPlaintextSize];
    private readonly ArrayBufferWriter<byte> _records = new(RecordLayout.MaxRecordSize);
    private int _used;

    public delegate int FrameWrite(Span<byte> destination);

    /// <summary>Adds one frame (of at most <see cref="FrameWriter.MaxControlFrameSize"/> bytes) to the current record.</summary>
    public void Add(FrameWrite write)
    {
        if (_used + FrameWriter.MaxControlFrameSize > _plaintext.Length)
        {
            Seal();
        }

        _used += write(_plaintext.AsSpan(_used));
    }

    /// <summary>Seals what was added and writes every sealed record.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Seal();
        if (_records.WrittenCount == 0)
        {
            return;
        }

        await stream.WriteAsync(_records.WrittenMemory, cancellationToken);
        _records.ResetWrittenCount();
    }

    /// <summary>
    /// A record with no frames (n = 16, allowed by docs/protocol.md): it says nothing, but it is a record received, which
    /// is all a keepalive that watches only the receive side looks at.
    /// </summary>
    public Task SendEmptyRecordAsync(CancellationToken cancellationToken)
    {
        Seal();
        _records.Advance(sealer.Seal(ReadOnlySpan<byte>.Empty, _records.GetSpan(RecordLayout.Overhead)));
        return FlushAsync(cancellationToken);
    }

    private void Seal()
    {
        if (_used == 0)
        {
            return;
        }

        _records.Advance(sealer.Seal(_plaintext.AsSpan(0, _used), _records.GetSpan(RecordLayout.MaxRecordSize)));
        _used = 0;
    }
}
