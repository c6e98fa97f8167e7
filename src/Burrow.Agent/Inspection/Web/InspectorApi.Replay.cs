using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;
using Burrow.Agent.Inspection.Replay;
using Microsoft.AspNetCore.Http;

namespace Burrow.Agent.Inspection.Web;

internal sealed partial class InspectorApi
{
    /// <summary>
    /// POST /api/requests/{id}/replay: sends the request again to the local server, with the changes in the body if any
    /// (method, path, headers, body). Answers with the new exchange, which links to the original.
    /// </summary>
    private async Task ReplayAsync(HttpContext context, CapturedExchange original)
    {
        try
        {
            var edits = ReplayEdits.Parse(await ReadBodyAsync(context));
            var replayed = await _replay.ReplayAsync(original, edits, context.RequestAborted);
            InspectorLog.Replayed(_logger, original.Id, replayed.Id, replayed.Status);
            if (ExchangeView.Read(replayed, _store.Ring) is { } view)
            {
                await WriteJsonAsync(context, json => ExchangeJson.WriteDetail(json, view, reveal: false, ExchangeJson.PreviewLength), StatusCodes.Status201Created);
            }
            else
            {
                await WriteJsonAsync(context, json => ExchangeJson.WriteSummary(json, replayed), StatusCodes.Status201Created);
            }
        }
        catch (ReplayException ex)
        {
            InspectorLog.ReplayFailed(_logger, original.Id, ex.Message);
            await WriteErrorAsync(context, ex.Status, ex.Message);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > ReplayEdits.MaxSize)
            {
                throw new ReplayException(StatusCodes.Status413PayloadTooLarge, $"the changes may be at most {ReplayEdits.MaxSize} bytes");
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }
}
