using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Burrow.BenchTools;

/// <summary>A minimal Kestrel app on 127.0.0.1:PORT, no logging; prints "ready" once listening and runs until stopped.</summary>
internal static class LoopbackApp
{
    public static async Task<int> RunAsync(int port, Action<KestrelServerOptions> kestrel, Action<WebApplication> map, CancellationToken stop)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            kestrel(k);
        });
        await using var app = builder.Build();
        map(app);
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
}
