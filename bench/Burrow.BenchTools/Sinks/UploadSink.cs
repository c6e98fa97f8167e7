using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.BenchTools.Sinks;

/// <summary>
/// <c>upload-sink PORT</c>: on 127.0.0.1:PORT, reads every request body to the end in 64 KiB reads, discards it, and
/// answers 200 with the byte count; prints "ready" once listening. The upload scenarios' last stop: it streams, keeps
/// nothing and writes nothing to disk, so it is never the bottleneck of the path it ends.
/// </summary>
internal static class UploadSink
{
    public static async Task<int> RunAsync(int port, CancellationToken stop)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
        });
        await using var app = builder.Build();
        app.Run(DrainAsync);
        await app.StartAsync(stop);
        Console.WriteLine("ready");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

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
