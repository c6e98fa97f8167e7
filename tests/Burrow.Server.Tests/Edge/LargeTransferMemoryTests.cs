using System.Security.Cryptography;
using Burrow.Testing;
using Xunit.Abstractions;

namespace Burrow.Server.Tests.Edge;

/// <summary>A gibibyte each way through one tunnel without the process holding it: the path streams, it does not buffer.</summary>
[Collection(MemoryMeasurement.Name)]
public sealed class LargeTransferMemoryTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private TunnelScenario _scenario = null!;
    private long _peak;

    public LargeTransferMemoryTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _scenario = await TunnelScenario.StartAsync("stream");

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task One_GiB_download_and_upload_keep_memory_bounded()
    {
        const long size = 1024L * 1024 * 1024;

        // The heap is process-wide: what earlier tests left (garbage not yet collected, and what they keep) is the
        // baseline, and the bound is on what this transfer adds to it.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        // The heap is sampled at every mebibyte the test moves, in both directions, rather than on a timer.
        using (var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/download?size={size}"), HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var expected = new byte[1024 * 1024];
            var actual = new byte[1024 * 1024];
            using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var reference = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (long offset = 0; offset < size; offset += actual.Length)
            {
                await body.ReadExactlyAsync(actual);
                LocalTestServer.Fill(expected, offset);
                received.AppendData(actual);
                reference.AppendData(expected);
                Sample();
            }

            Assert.Equal(0, await body.ReadAsync(actual));
            Assert.Equal(reference.GetHashAndReset(), received.GetHashAndReset());
        }

        long sampledAt = 0;
        using (var upload = new StreamContent(new GeneratedStream(size, position =>
        {
            if (position - sampledAt >= 1024 * 1024)
            {
                sampledAt = position;
                Sample();
            }
        })))
        {
            using var response = await _scenario.PublicClient.PostAsync(_scenario.PublicUri("/upload"), upload);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal($"{size} {GeneratedStream.Sha256Hex(size)}", body);
        }

        Sample();
        _output.WriteLine($"peak managed heap during 1 GiB each way: {_peak / (1024 * 1024.0):0.0} MiB, {(_peak - baseline) / (1024 * 1024.0):0.0} MiB over the {baseline / (1024 * 1024.0):0.0} MiB before it");
        Assert.True(_peak - baseline < 256L * 1024 * 1024, $"managed heap peaked at {_peak} bytes, {_peak - baseline} over the {baseline} before the transfer");
    }

    private void Sample() => _peak = Math.Max(_peak, GC.GetTotalMemory(forceFullCollection: false));
}
