using System.Buffers;
using System.Security.Cryptography;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Records;

namespace Burrow.Protocol.Tests.Records;

public sealed class RecordTests
{
    private static (RecordSealer Sealer, RecordOpener Opener) Pair()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var agentNonce = RandomNumberGenerator.GetBytes(32);
        var serverNonce = RandomNumberGenerator.GetBytes(32);
        var agent = ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: false);
        var server = ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: true);
        return (agent.CreateSealer(), server.CreateOpener());
    }

    private static byte[] Seal(RecordSealer sealer, byte[] plaintext)
    {
        var record = new byte[plaintext.Length + RecordLayout.Overhead];
        Assert.Equal(record.Length, sealer.Seal(plaintext, record));
        return record;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(RecordLayout.MaxPlaintextSize)]
    public void Sealed_record_opens_to_the_same_plaintext(int size)
    {
        var (sealer, opener) = Pair();
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var buffer = new ReadOnlySequence<byte>(Seal(sealer, plaintext));
        var scratch = new byte[RecordLayout.MaxRecordSize];

        Assert.True(opener.TryOpen(ref buffer, scratch, out var length));
        Assert.Equal(plaintext, scratch.AsSpan(0, length).ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_record_sealed_in_place_is_the_record_sealed_from_a_copy()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (agentNonce, serverNonce) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        using var copying = ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: false).CreateSealer();
        using var inPlace = ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: false).CreateSealer();
        for (var i = 0; i < 3; i++)
        {
            var plaintext = RandomNumberGenerator.GetBytes(1000 * (i + 1));
            var record = new byte[plaintext.Length + RecordLayout.Overhead];
            plaintext.CopyTo(record, RecordLayout.HeaderSize);

            Assert.Equal(record.Length, inPlace.SealInPlace(record, plaintext.Length));
            Assert.Equal(Seal(copying, plaintext), record);
        }
    }

    [Fact]
    public void A_record_split_across_receive_buffers_opens_like_a_contiguous_one()
    {
        var (sealer, opener) = Pair();
        var plaintexts = new[] { 20_000, RecordLayout.MaxPlaintextSize, 20_002 }.Select(RandomNumberGenerator.GetBytes).ToList();
        var bytes = plaintexts.SelectMany(p => Seal(sealer, p)).ToArray();

        // Three records over segments of 7,777 bytes: headers, ciphertexts and tags all cut somewhere. A scratch
        // buffer of one plaintext is enough, for the largest record too.
        var buffer = Segments(bytes, 7_777);
        var scratch = new byte[RecordLayout.MaxPlaintextSize];
        foreach (var plaintext in plaintexts)
        {
            Assert.True(opener.TryOpen(ref buffer, scratch, out var length));
            Assert.Equal(plaintext, scratch.AsSpan(0, length).ToArray());
        }

        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Every_flipped_bit_is_detected()
    {
        var plaintext = RandomNumberGenerator.GetBytes(100);
        for (var position = 0; position < plaintext.Length + RecordLayout.Overhead; position++)
        {
            var (sealer, opener) = Pair();
            var record = Seal(sealer, plaintext);
            record[position] ^= 0x10;
            var buffer = new ReadOnlySequence<byte>(record);
            var scratch = new byte[RecordLayout.MaxRecordSize];
            try
            {
                var opened = opener.TryOpen(ref buffer, scratch, out _);

                // A corrupted length may just make the record look incomplete; it can never open.
                Assert.False(opened, $"bit flip at {position} was accepted");
            }
            catch (ProtocolException ex)
            {
                Assert.True(ex.Code is ProtocolErrorCode.BadRecord or ProtocolErrorCode.FrameSizeError, ex.Code.ToString());
            }
        }
    }

    [Fact]
    public void Replayed_record_fails_authentication()
    {
        var (sealer, opener) = Pair();
        var record = Seal(sealer, [1, 2, 3]);
        var scratch = new byte[RecordLayout.MaxRecordSize];
        var first = new ReadOnlySequence<byte>(record);
        Assert.True(opener.TryOpen(ref first, scratch, out _));

        var replay = new ReadOnlySequence<byte>(record);
        var ex = Assert.Throws<ProtocolException>(() => opener.TryOpen(ref replay, scratch, out _));
        Assert.Equal(ProtocolErrorCode.BadRecord, ex.Code);
    }

    [Fact]
    public void Reordered_records_fail_authentication()
    {
        var (sealer, opener) = Pair();
        var first = Seal(sealer, [1]);
        var second = Seal(sealer, [2]);
        var buffer = new ReadOnlySequence<byte>([.. second, .. first]);
        var ex = Assert.Throws<ProtocolException>(() => opener.TryOpen(ref buffer, new byte[RecordLayout.MaxRecordSize], out _));
        Assert.Equal(ProtocolErrorCode.BadRecord, ex.Code);
    }

    [Fact]
    public void Oversized_length_is_rejected_before_the_body_arrives()
    {
        var (_, opener) = Pair();
        var header = new byte[] { 0x00, 0x01, 0x00, 0x11 };
        var buffer = new ReadOnlySequence<byte>(header);
        var ex = Assert.Throws<ProtocolException>(() => opener.TryOpen(ref buffer, new byte[RecordLayout.MaxRecordSize], out _));
        Assert.Equal(ProtocolErrorCode.FrameSizeError, ex.Code);
    }

    [Fact]
    public void Partial_record_waits_for_the_rest()
    {
        var (sealer, opener) = Pair();
        var record = Seal(sealer, RandomNumberGenerator.GetBytes(1000));
        var scratch = new byte[RecordLayout.MaxRecordSize];
        for (var cut = 0; cut < record.Length; cut += 97)
        {
            var partial = new ReadOnlySequence<byte>(record, 0, cut);
            Assert.False(opener.TryOpen(ref partial, scratch, out _));
        }

        var whole = new ReadOnlySequence<byte>(record);
        Assert.True(opener.TryOpen(ref whole, scratch, out var length));
        Assert.Equal(1000, length);
    }

    [Fact]
    public void Directions_use_different_keys()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var a = RandomNumberGenerator.GetBytes(32);
        var s = RandomNumberGenerator.GetBytes(32);
        var agent = ChannelKeys.Derive(key, a, s, isServer: false);
        using var agentSealer = agent.CreateSealer();
        using var agentOpener = agent.CreateOpener();
        var record = Seal(agentSealer, [9, 9, 9]);

        // A record reflected back at its sender does not open: each direction has its own key.
        var buffer = new ReadOnlySequence<byte>(record);
        Assert.Throws<ProtocolException>(() => agentOpener.TryOpen(ref buffer, new byte[RecordLayout.MaxRecordSize], out _));
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var offset = size; offset < bytes.Length; offset += size)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
