using System.Text.Json;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>Reading the inspector API's JSON in assertions.</summary>
internal static class JsonExtensions
{
    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString() ?? "";

    /// <summary>The value of the first header named <paramref name="name"/> in a message's header list, or null.</summary>
    public static string? Header(this JsonElement message, string name)
        => message.GetProperty("headers").EnumerateArray().FirstOrDefault(h => h.Str("name").Equals(name, StringComparison.OrdinalIgnoreCase)) is { ValueKind: JsonValueKind.Object } h ? h.Str("value") : null;
}
