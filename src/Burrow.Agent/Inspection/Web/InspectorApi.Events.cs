using System.Buffers;
using System.Text;
using System.Text.Json;
using Burrow.Agent.Inspection.Capture;
using Microsoft.AspNetCore.Http;

namespace Burrow.Agent.Inspection.Web;

internal sealed partial class InspectorApi
{
    /// <summary>A comment line this often keeps proxies and the browser from timing out an idle stream.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// GET /api/events: Server-Sent Events. "exchange" carries an entry's list fields whenever it appears or changes,
    /// "clear" says the list was emptied, "reset" says this listener fell behind and should fetch the list again.
    /// </summary>
    private async Task EventsAsync(HttpContext context)
    {
        using var subscription = _store.Subscribe();
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await response.WriteAsync("retry: 1000\n\n", context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        var token = context.RequestAborted;
        while (!token.IsCancellationRequested)
        {
            using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(token);
            heartbeat.CancelAfter(HeartbeatInterval);
            bool more;
            try
            {
                more = await subscription.Events.WaitToReadAsync(heartbeat.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                await response.WriteAsync(": heartbeat\n\n", token);
                await response.Body.FlushAsync(token);
                continue;
            }

            if (!more)
            {
                return;
            }

            var batch = new StringBuilder();
            while (subscription.Events.TryRead(out var item))
            {
                batch.Append(Format(item));
            }

            if (subscription.TakeOverflow())
            {
                batch.Append("event: reset\ndata: {}\n\n");
            }

            await response.WriteAsync(batch.ToString(), token);
            await response.Body.FlushAsync(token);
        }
    }

    private static string Format(ExchangeEvent item)
    {
        if (item.Kind == ExchangeEventKind.Cleared || item.Exchange is null)
        {
            return "event: clear\ndata: {}\n\n";
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            ExchangeJson.WriteSummary(json, item.Exchange);
            json.WriteEndObject();
        }

        // JSON written without indentation has no line breaks, so it is one SSE data line.
        return $"event: exchange\ndata: {Encoding.UTF8.GetString(buffer.WrittenSpan)}\n\n";
    }
}
