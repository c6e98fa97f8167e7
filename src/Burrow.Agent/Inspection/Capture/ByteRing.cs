namespace Burrow.Agent.Inspection.Capture;

/// <summary>
/// The inspector's byte store: a ring of fixed segments, allocated on first use and then reused forever, so captured
/// bytes never exceed the capacity and never become garbage. Writers reserve a range with one interlocked add and copy
/// outside any lock, so the copy loops of different connections never wait for each other. Positions grow forever; a
/// position stays readable until the ring has wrapped past it, which readers check after copying (a seqlock: a
/// writer reserves, and so invalidates, before it overwrites).
/// </summary>
internal sealed class ByteRing
{
    /// <summary>128 KiB: large enough to sit in the large object heap (never moved by the GC), small enough that a
    /// small capture buffer is not rounded up much.</summary>
    public const int SegmentSize = 128 * 1024;

    private readonly byte[]?[] _segments;
    private long _reserved;

    public ByteRing(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, SegmentSize);
        var count = (int)((capacity + SegmentSize - 1) / SegmentSize);
        _segments = new byte[count][];
        Capacity = (long)count * SegmentSize;
    }

    /// <summary>Bytes the ring holds before it overwrites the oldest (the requested capacity rounded up to a segment).</summary>
    public long Capacity { get; }

    /// <summary>Bytes of segments allocated so far (grows to <see cref="Capacity"/> as traffic is captured).</summary>
    public long Allocated => _segments.Count(s => Volatile.Read(ref s) is not null) * (long)SegmentSize;

    /// <summary>Copies <paramref name="data"/> in and returns the position of its first byte.</summary>
    public long Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(data), "a single write cannot exceed the ring's capacity");
        }

        // Interlocked.Add is a full fence: the range is invalid for readers before any of its old bytes change.
        var start = Interlocked.Add(ref _reserved, data.Length) - data.Length;
        var position = start;
        while (!data.IsEmpty)
        {
            var offset = (int)(position % SegmentSize);
            var count = Math.Min(SegmentSize - offset, data.Length);
            data[..count].CopyTo(Segment(position).AsSpan(offset));
            data = data[count..];
            position += count;
        }

        return start;
    }

    /// <summary>Whether the byte at <paramref name="position"/> (and so every later one already written) is still held.</summary>
    public bool IsLive(long position)
    {
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref _reserved) - Capacity <= position;
    }

    /// <summary>Copies a range out; false if the ring overwrote it before or during the copy.</summary>
    public bool TryCopy(long position, Span<byte> destination)
    {
        var start = position;
        if (!IsLive(start))
        {
            return false;
        }

        while (!destination.IsEmpty)
        {
            var offset = (int)(position % SegmentSize);
            var count = Math.Min(SegmentSize - offset, destination.Length);
            Segment(position).AsSpan(offset, count).CopyTo(destination);
            destination = destination[count..];
            position += count;
        }

        // Checked again after the copy: a writer that wrapped onto this range meanwhile has reserved it by now.
        return IsLive(start);
    }

    private byte[] Segment(long position)
    {
        ref var slot = ref _segments[(int)(position / SegmentSize % _segments.Length)];
        var segment = Volatile.Read(ref slot);
        if (segment is null)
        {
            var fresh = new byte[SegmentSize];
            segment = Interlocked.CompareExchange(ref slot, fresh, null) ?? fresh;
        }

        return segment;
    }
}
