using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Records;
using Burrow.Protocol.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Burrow.Protocol.Tests.Fuzzing;

/// <summary>
/// Random and mutated input for the decoders, bounded in count and time (seeded, so a failure reproduces). The only
/// exception allowed out of a decoder is <see cref="ProtocolException"/>; nothing may hang.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);
    private readonly ITestOutputHelper _output;

    public ParserFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Frame_reader_throws_only_protocol_errors_on_random_and_mutated_input()
    {
        var random = new Random(1234);
        var valid = ValidRecord();
        var clock = Stopwatch.StartNew();
        var cases = 0;
        var rejected = 0;
        while (cases < 200_000 && clock.Elapsed < Budget)
        {
            var input = cases % 2 == 0 ? RandomBytes(random, random.Next(0, 300)) : Mutate(random, valid);
            try
            {
                var reader = new FrameReader(input);
                var frames = 0;
                while (reader.TryRead(out _, out var payload))
                {
                    Assert.True(payload.Length <= input.Length);
                    Assert.True(++frames <= input.Length / FrameHeader.Size + 1);
                }
            }
            catch (ProtocolException)
            {
                rejected++;
            }

            cases++;
        }

        _output.WriteLine($"{cases} cases, {rejected} rejected with ProtocolException");
        Assert.True(cases >= 10_000, $"only {cases} cases ran");
    }

    [Fact]
    public void Record_opener_throws_only_protocol_errors_and_never_opens_a_mutated_record()
    {
        var random = new Random(5678);
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(32);
        var agent = ChannelKeys.Derive(key, nonce, nonce, isServer: false);
        var server = ChannelKeys.Derive(key, nonce, nonce, isServer: true);
        using var sealer = agent.CreateSealer();
        var plaintext = RandomNumberGenerator.GetBytes(200);
        var record = new byte[plaintext.Length + RecordLayout.Overhead];
        sealer.Seal(plaintext, record);
        var scratch = new byte[RecordLayout.MaxRecordSize];
        var clock = Stopwatch.StartNew();
        var cases = 0;
        while (cases < 100_000 && clock.Elapsed < Budget)
        {
            using var opener = server.CreateOpener();
            var mutated = cases % 2 == 0 ? Mutate(random, record) : RandomBytes(random, random.Next(0, 400));
            if (mutated.AsSpan().SequenceEqual(record))
            {
                cases++;
                continue;
            }

            var buffer = new ReadOnlySequence<byte>(mutated);
            try
            {
                Assert.False(opener.TryOpen(ref buffer, scratch, out _), "a mutated record opened");
            }
            catch (ProtocolException)
            {
            }

            cases++;
        }

        _output.WriteLine($"{cases} records tried");
        Assert.True(cases >= 10_000, $"only {cases} cases ran");
    }

    [Fact]
    public async Task Connection_fed_random_frames_always_closes_cleanly()
    {
        var random = new Random(9012);
        var clock = Stopwatch.StartNew();
        var cases = 0;
        while (cases < 300 && clock.Elapsed < Budget)
        {
            var (real, peer) = MuxPair.CreateWithRawPeer(realIsServer: cases % 2 == 0);
            for (var i = 0; i < 5; i++)
            {
                await peer.SendRecordAsync(i % 2 == 0 ? RandomBytes(random, random.Next(0, 200)) : Mutate(random, ValidRecord()));
            }

            await peer.Transport.Output.CompleteAsync();
            var reason = await real.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(reason);
            cases++;
        }

        _output.WriteLine($"{cases} channels fed random frames, all closed");
        Assert.True(cases >= 50, $"only {cases} cases ran");
    }

    private static byte[] ValidRecord()
    {
        var buffer = new byte[400];
        var used = FrameWriter.WritePing(buffer, 7, ack: false);
        used += FrameWriter.WriteWindowUpdate(buffer.AsSpan(used), 0, 1000);
        used += FrameWriter.WriteOpen(buffer.AsSpan(used), 1, "demo.localhost");
        used += FrameWriter.WriteDataHeader(buffer.AsSpan(used), 1, 5, endStream: true);
        used += 5;
        used += FrameWriter.WriteReset(buffer.AsSpan(used), 1, ProtocolErrorCode.Cancel, "why");
        used += FrameWriter.WriteGoAway(buffer.AsSpan(used), 1, ProtocolErrorCode.NoError, "bye");
        return buffer[..used];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] input)
    {
        var copy = (byte[])input.Clone();
        var mutations = random.Next(1, 5);
        for (var i = 0; i < mutations; i++)
        {
            switch (random.Next(3))
            {
                case 0:
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                    break;
                default:
                    copy = copy[..random.Next(copy.Length)];
                    if (copy.Length == 0)
                    {
                        return copy;
                    }

                    break;
            }
        }

        return copy;
    }
}
