using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Burrow.Commands;

/// <summary>
/// <c>burrow replay ID [--port 4040]</c>: asks a running agent's request inspector to send request ID again to its
/// local server, and prints the result.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var id = new Argument<long>("ID") { Description = "Request id, as shown in the console or the inspector." };
        var port = new Option<int>("--port") { Description = "The inspector's port on 127.0.0.1.", DefaultValueFactory = _ => Agent.Inspection.InspectorOptions.DefaultPort };
        var command = new Command("replay", "Replay a captured request to the local server, through a running agent's inspector.") { id, port };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(id), parse.GetValue(port), Console.Out, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(long id, int port, TextWriter output, CancellationToken cancellationToken)
    {
        if (port is < 1 or > 65535)
        {
            return CommonOptions.Fail($"--port {port} is not a port (1-65535)", 2);
        }

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        using var content = new StringContent("{}");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var url = $"http://127.0.0.1:{port}/api/requests/{id.ToString(CultureInfo.InvariantCulture)}/replay";
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(url, content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return CommonOptions.Fail($"no inspector at 127.0.0.1:{port} ({ex.Message}); is 'burrow http' or 'burrow start' running with the inspector on?", 1);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(text).RootElement;
            }
            catch (JsonException)
            {
                return CommonOptions.Fail($"127.0.0.1:{port} answered {(int)response.StatusCode}, and not like a Burrow inspector", 1);
            }

            if (!response.IsSuccessStatusCode)
            {
                var error = json.TryGetProperty("error", out var e) ? e.GetString() : response.ReasonPhrase;
                return CommonOptions.Fail($"replay of {id} failed: {error}", 1);
            }

            var duration = json.TryGetProperty("durationMs", out var d) && d.ValueKind == JsonValueKind.Number ? $" in {d.GetDouble():0} ms" : "";
            await output.WriteLineAsync($"replayed #{id} as #{json.GetProperty("id").GetInt64()}: {json.GetProperty("method").GetString()} {json.GetProperty("path").GetString()} -> {json.GetProperty("status").GetInt32()}{duration}");
            return 0;
        }
    }
}
