using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.Testing;

/// <summary>A minimal OTLP/HTTP receiver: keeps every POST body sent to /v1/traces (protobuf, not decoded).</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _bodies = new();

    private OtlpReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri TracesUri { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            receiver._bodies.Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        receiver.TracesUri = new Uri(app.Urls.First() + "/v1/traces");
        return receiver;
    }

    /// <summary>True when some export carried these bytes (trace and span ids are raw bytes in OTLP protobuf).</summary>
    public bool Contains(byte[] bytes) => _bodies.Any(body => body.AsSpan().IndexOf(bytes) >= 0);

    /// <summary>True when one export carried all of these (e.g. a service's name and a span id it refers to).</summary>
    public bool ContainsInOneExport(params byte[][] all) => _bodies.Any(body => all.All(bytes => body.AsSpan().IndexOf(bytes) >= 0));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
