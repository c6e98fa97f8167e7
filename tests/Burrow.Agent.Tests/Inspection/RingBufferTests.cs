using System.Text;
using Burrow.Agent.Inspection.Capture;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>The ring buffer's byte cap, on real traffic and on its own.</summary>
public sealed class RingBufferTests
{
    [Fact]
    public async Task Ring_evicts_the_oldest_exchanges_first_and_stays_within_its_byte_cap()
    {
        await using var rig = await InspectorRig.StartAsync(o =>
        {
            o.BufferSize = 1024 * 1024;
            o.BodyLimit = 128 * 1024;
        });

        // Each exchange holds about 120 KiB (a 60 KiB upload and its 60 KiB echo), so 1 MiB keeps the last eight or so.
        var body = new string('b', 60 * 1024);
        for (var i = 0; i < 30; i++)
        {
            using var content = new StringContent(body);
            using var response = await rig.Host.PublicClient.PostAsync(rig.Public($"/echo?n={i}"), content);
            response.EnsureSuccessStatusCode();
        }

        await rig.WaitForAsync(e => e.Path == "/echo?n=29");
        var kept = rig.Store.Snapshot();
        var numbers = kept.Select(e => int.Parse(e.Path["/echo?n=".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(numbers.Count, 5, 10);
        Assert.Equal(Enumerable.Range(30 - numbers.Count, numbers.Count), numbers);
        var held = kept.Sum(e => (long)e.Request.Head.Length + e.Request.Body.Length + e.Response.Head.Length + e.Response.Body.Length);
        Assert.True(held <= rig.Store.Ring.Capacity, $"{held} bytes held in a ring of {rig.Store.Ring.Capacity}");
        Assert.Equal(rig.Store.Ring.Capacity, rig.Store.Ring.Allocated);

        // What is listed is readable in full; what was evicted is gone from the API too.
        var newest = await rig.DetailAsync(kept[^1].Id);
        Assert.Equal(body, newest.GetProperty("request").GetProperty("body").Str("text"));
        using var gone = await rig.Api.GetAsync(new Uri("/api/requests/1", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public void Ring_reads_back_what_it_holds_across_segment_edges_and_refuses_what_it_overwrote()
    {
        var ring = new ByteRing(2 * ByteRing.SegmentSize);
        var first = ring.Append(Fill(ByteRing.SegmentSize - 10, 1));
        var straddling = ring.Append(Fill(100, 2));
        var copy = new byte[100];
        Assert.True(ring.TryCopy(straddling, copy));
        Assert.Equal(Fill(100, 2), copy);
        Assert.Equal(0, ring.Allocated % ByteRing.SegmentSize);

        // Wrapping past the first write invalidates it; the newer one is still there.
        var wrapping = ring.Append(Fill(ByteRing.SegmentSize, 3));
        Assert.False(ring.IsLive(first));
        Assert.False(ring.TryCopy(first, new byte[10]));
        Assert.True(ring.IsLive(straddling));
        var last = new byte[ByteRing.SegmentSize];
        Assert.True(ring.TryCopy(wrapping, last));
        Assert.Equal(Fill(ByteRing.SegmentSize, 3), last);
        Assert.Equal(2 * ByteRing.SegmentSize, ring.Allocated);
    }

    [Fact]
    public void Store_keeps_at_most_one_entry_per_8_KiB_of_buffer()
    {
        var store = new ExchangeStore(1024 * 1024, 1024, TimeProvider.System);
        var tunnel = new TunnelBinding("t", "t.localhost", "http://t.localhost", new TunnelTarget("t", "127.0.0.1", 1));
        var capture = store.Open(tunnel);
        for (var i = 0; i < store.MaxEntries + 50; i++)
        {
            var exchange = capture.Begin(DateTimeOffset.UtcNow);
            exchange.Request.Head.Append(store.Ring, Encoding.ASCII.GetBytes($"GET /{i} HTTP/1.1\r\n\r\n"));
            exchange.Path = $"/{i}";
            store.Publish(exchange);
        }

        var kept = store.Snapshot();
        Assert.Equal(128, store.MaxEntries);
        Assert.Equal(store.MaxEntries, kept.Count);
        Assert.Equal("/50", kept[0].Path);
    }

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
