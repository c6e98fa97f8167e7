using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Burrow.BenchTools.Sinks;

/// <summary>
/// <c>upload-sink PORT</c>: on 127.0.0.1:PORT, reads every request body to the end in 64 KiB reads, discards it, and
/// answers 200 with the byte count; prints "ready" once listening. The upload scenarios' last stop: it streams, keeps
/// nothing and writes nothing to disk, so it is never the bottleneck of the path it ends.
/// </summary>
internal static class UploadSink
{
    public static Task<int> RunAsync(int port, CancellationToken stop) => LoopbackApp.RunAsync(port, k =>
    {
        k.Limits.MaxRequestBodySize = null;
        k.Limits.MinRequestBodyDataRate = null;
    }, app => app.Run(DrainAsync), stop);

    private static async Task DrainAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        try
        {
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await context.Response.WriteAsync(total.ToString(System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
    }
}
