using Burrow.Protocol.Mux;
using Burrow.Protocol.Tests.Infrastructure;

namespace Burrow.Protocol.Tests.Mux;

/// <summary>
/// What one record brings a stream reaches its reader at once (issue #16): a bulk record carries several DATA frames of
/// the same stream, and handing them over frame by frame woke the reader, and made the edge send, once per frame.
/// </summary>
public sealed class InboundDeliveryTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Data_frames_of_one_record_reach_the_reader_in_one_read()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        var opening = real.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();
        var open = await peer.ReadFrameAsync(FrameType.Open).WaitAsync(Limit);
        await peer.SendFramesAsync(b => FrameWriter.WriteAccept(b, open.Header.StreamId));
        var stream = await opening.WaitAsync(Limit);

        // A read already waiting, then three 16 KiB frames of distinct bytes in one record, the last ending the stream.
        var buffer = new byte[256 * 1024];
        var reading = stream.ReadAsync(buffer).AsTask();
        var frames = Enumerable.Range(0, 3).Select(i => Enumerable.Repeat((byte)(i + 1), 16 * 1024).ToArray()).ToArray();
        await peer.SendFramesAsync([.. frames.Select((payload, i) => Data(open.Header.StreamId, payload, end: i == frames.Length - 1))]);

        var read = await reading.WaitAsync(Limit);
        Assert.Equal(3 * 16 * 1024, read);
        Assert.Equal(frames.SelectMany(f => f).ToArray(), buffer[..read]);
        Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(Limit));
        await real.DisposeAsync();
    }

    [Fact]
    public async Task Frames_for_two_streams_in_one_record_each_reach_their_own_reader()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        var streams = new List<MuxStream>();
        for (var i = 0; i < 2; i++)
        {
            var opening = real.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();
            var open = await peer.ReadFrameAsync(FrameType.Open).WaitAsync(Limit);
            await peer.SendFramesAsync(b => FrameWriter.WriteAccept(b, open.Header.StreamId));
            streams.Add(await opening.WaitAsync(Limit));
        }

        await peer.SendFramesAsync(
            Data(streams[0].Id, [1, 1], end: false),
            Data(streams[1].Id, [2], end: true),
            Data(streams[0].Id, [1], end: true));

        Assert.Equal(new byte[] { 1, 1, 1 }, await ReadAllAsync(streams[0]));
        Assert.Equal(new byte[] { 2 }, await ReadAllAsync(streams[1]));
        await real.DisposeAsync();
    }

    private static Func<byte[], int> Data(uint stream, byte[] payload, bool end) => buffer =>
    {
        new FrameHeader(payload.Length, FrameType.Data, end ? FrameFlags.EndStream : FrameFlags.None, stream).Write(buffer);
        payload.CopyTo(buffer, FrameHeader.Size);
        return FrameHeader.Size + payload.Length;
    };

    private static async Task<byte[]> ReadAllAsync(MuxStream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(Limit);
        return all.ToArray();
    }
}
