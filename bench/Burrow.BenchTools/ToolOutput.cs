using System.Text.Json;

namespace Burrow.BenchTools;

/// <summary>
/// What the tools tell bench/bench.py: plain progress lines, and one JSON object per line for results. bench.py reads
/// the last JSON line of a tool's output, so a result line is always a single line.
/// </summary>
internal static class ToolOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static void Json(IReadOnlyDictionary<string, object?> values) => Console.WriteLine(JsonSerializer.Serialize(values, Options));

    public static double Round(double value, int digits = 2) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
