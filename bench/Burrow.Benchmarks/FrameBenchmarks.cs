using BenchmarkDotNet.Attributes;
using Burrow.Protocol;
using Burrow.Protocol.Mux;

namespace Burrow.Benchmarks;

/// <summary>Frame encoding and decoding: zero allocations per frame.</summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly byte[] _record = new byte[4 * (FrameHeader.Size + (16 * 1024))];

    [GlobalSetup]
    public void Setup()
    {
        var used = 0;
        for (var i = 0; i < 4; i++)
        {
            used += FrameWriter.WriteDataHeader(_record.AsSpan(used), (uint)(i + 1), 16 * 1024, endStream: false) + (16 * 1024);
        }
    }

    [Benchmark]
    public int EncodeDataHeader() => FrameWriter.WriteDataHeader(_buffer, 7, 16 * 1024, endStream: false);

    [Benchmark]
    public int EncodeWindowUpdate() => FrameWriter.WriteWindowUpdate(_buffer, 7, 32 * 1024);

    [Benchmark]
    public int EncodePing() => FrameWriter.WritePing(_buffer, 42, ack: false);

    [Benchmark]
    public int EncodeReset() => FrameWriter.WriteReset(_buffer, 7, ProtocolErrorCode.Cancel, null);

    [Benchmark]
    public int DecodeRecordOfFourDataFrames()
    {
        var reader = new FrameReader(_record);
        var total = 0;
        while (reader.TryRead(out _, out var payload))
        {
            total += payload.Length;
        }

        return total;
    }
}
