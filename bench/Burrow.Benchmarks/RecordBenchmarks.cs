using System.Buffers;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Records;

namespace Burrow.Benchmarks;

/// <summary>Sealing and opening one record: AES-256-GCM plus framing; must not allocate.</summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private readonly byte[] _record = new byte[RecordLayout.MaxRecordSize];
    private readonly byte[] _scratch = new byte[RecordLayout.MaxRecordSize];
    private byte[] _plaintext = [];
    private RecordSealer _sealer = null!;
    private RecordOpener _opener = null!;

    [Params(1024, 16 * 1024, 64 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(32);
        _sealer = ChannelKeys.Derive(key, nonce, nonce, isServer: false).CreateSealer();
        _opener = ChannelKeys.Derive(key, nonce, nonce, isServer: true).CreateOpener();
        _plaintext = RandomNumberGenerator.GetBytes(Size);
    }

    [Benchmark]
    public int Seal() => _sealer.Seal(_plaintext, _record);

    /// <summary>Seal and open in step (sequence numbers must match), the full cost of one record crossing the channel.</summary>
    [Benchmark]
    public int SealAndOpen()
    {
        var length = _sealer.Seal(_plaintext, _record);
        var buffer = new ReadOnlySequence<byte>(_record, 0, length);
        _opener.TryOpen(ref buffer, _scratch, out var plaintextLength);
        return plaintextLength;
    }
}
