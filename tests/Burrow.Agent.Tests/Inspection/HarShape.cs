using System.Text.Json;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>
/// The required fields of HAR 1.2 (W3C Web Performance WG draft, "HTTP Archive (HAR) format", version 1.2) and their
/// JSON types, checked on a document.
/// </summary>
internal static class HarShape
{
    private static readonly string[] Timings = ["send", "wait", "receive"];

    public static void Validate(JsonElement har)
    {
        var log = Object(har, "log");
        Assert.Equal("1.2", log.Str("version"));
        var creator = Object(log, "creator");
        Fields(creator, ("name", JsonValueKind.String), ("version", JsonValueKind.String));
        foreach (var entry in Array(log, "entries"))
        {
            Assert.True(DateTimeOffset.TryParse(entry.Str("startedDateTime"), out _), "startedDateTime is ISO 8601");
            Fields(entry, ("time", JsonValueKind.Number), ("cache", JsonValueKind.Object));
            var request = Object(entry, "request");
            Fields(request, ("method", JsonValueKind.String), ("url", JsonValueKind.String), ("httpVersion", JsonValueKind.String), ("headersSize", JsonValueKind.Number), ("bodySize", JsonValueKind.Number));
            Assert.True(Uri.IsWellFormedUriString(request.Str("url"), UriKind.Absolute), "request.url is absolute");
            NameValues(request, "cookies");
            NameValues(request, "headers");
            NameValues(request, "queryString");
            if (request.TryGetProperty("postData", out var post))
            {
                Fields(post, ("mimeType", JsonValueKind.String), ("text", JsonValueKind.String));
            }

            var response = Object(entry, "response");
            Fields(response, ("status", JsonValueKind.Number), ("statusText", JsonValueKind.String), ("httpVersion", JsonValueKind.String), ("redirectURL", JsonValueKind.String), ("headersSize", JsonValueKind.Number), ("bodySize", JsonValueKind.Number));
            NameValues(response, "cookies");
            NameValues(response, "headers");
            var content = Object(response, "content");
            Fields(content, ("size", JsonValueKind.Number), ("mimeType", JsonValueKind.String));
            var timings = Object(entry, "timings");
            Fields(timings, ("send", JsonValueKind.Number), ("wait", JsonValueKind.Number), ("receive", JsonValueKind.Number));
            Assert.All(Timings, t => Assert.True(timings.GetProperty(t).GetDouble() >= 0, $"timings.{t} >= 0"));
        }
    }

    private static JsonElement Object(JsonElement parent, string name)
    {
        Assert.True(parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object, $"'{name}' is an object");
        return value;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement parent, string name)
    {
        Assert.True(parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array, $"'{name}' is an array");
        return value.EnumerateArray();
    }

    private static void Fields(JsonElement element, params (string Name, JsonValueKind Kind)[] fields)
    {
        foreach (var (name, kind) in fields)
        {
            Assert.True(element.TryGetProperty(name, out var value) && value.ValueKind == kind, $"'{name}' is a {kind}");
        }
    }

    private static void NameValues(JsonElement parent, string name)
    {
        foreach (var item in Array(parent, name))
        {
            Fields(item, ("name", JsonValueKind.String), ("value", JsonValueKind.String));
        }
    }
}
