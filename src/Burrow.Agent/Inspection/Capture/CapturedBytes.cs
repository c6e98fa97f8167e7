namespace Burrow.Agent.Inspection.Capture;

/// <summary>
/// Bytes of one head or body, held in a <see cref="ByteRing"/> as runs (one per read that carried some, merged when
/// the ring placed them back to back). Written by one copy loop; read once <see cref="Seal"/> has published it.
/// The first run is a field: most heads and small bodies are one run, so they cost no array (entries are kept by the
/// thousand, and what each costs outside the ring is measured in docs/inspector.md).
/// </summary>
internal sealed class CapturedBytes
{
    private (long Position, int Length) _first;
    private (long Position, int Length)[]? _more;
    private int _count;
    private volatile bool _sealed;

    /// <summary>Bytes held.</summary>
    public int Length { get; private set; }

    /// <summary>Position of the first byte held, or -1 when empty.</summary>
    public long FirstPosition => _count == 0 ? -1 : _first.Position;

    /// <summary>Whether all bytes are in (readers wait for this).</summary>
    public bool IsSealed => _sealed;

    public void Append(ByteRing ring, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || _sealed)
        {
            return;
        }

        var position = ring.Append(data);
        Length += data.Length;
        if (_count > 0 && Run(_count - 1) is var last && last.Position + last.Length == position)
        {
            Run(_count - 1) = (last.Position, last.Length + data.Length);
            return;
        }

        if (_count > 0 && (_more is null || _count - 1 == _more.Length))
        {
            Array.Resize(ref _more, Math.Max(2, _count * 2));
        }

        _count++;
        Run(_count - 1) = (position, data.Length);
    }

    /// <summary>Drops what was appended (an interim 100 Continue head before the final one).</summary>
    public void Reset()
    {
        _count = 0;
        Length = 0;
    }

    public void Seal() => _sealed = true;

    /// <summary>The bytes (at most <paramref name="maxLength"/> of them), or null if the ring has overwritten them (or they are not sealed yet).</summary>
    public byte[]? Read(ByteRing ring, int maxLength = int.MaxValue)
    {
        if (!_sealed)
        {
            return null;
        }

        var bytes = new byte[Math.Min(Length, maxLength)];
        var offset = 0;
        for (var i = 0; i < _count && offset < bytes.Length; i++)
        {
            var (position, length) = Run(i);
            length = Math.Min(length, bytes.Length - offset);
            if (!ring.TryCopy(position, bytes.AsSpan(offset, length)))
            {
                return null;
            }

            offset += length;
        }

        return bytes;
    }

    private ref (long Position, int Length) Run(int index) => ref index == 0 ? ref _first : ref _more![index - 1];
}
