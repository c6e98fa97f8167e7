using System.Globalization;

namespace Burrow.BenchTools;

/// <summary>Positional arguments of one tool command, parsed invariantly; a bad one fails with its name.</summary>
internal sealed class ToolArguments(string[] args)
{
    public string Text(int index, string name) =>
        index < args.Length ? args[index] : throw new ArgumentException($"missing argument {name}");

    public int Int(int index, string name) =>
        int.TryParse(Text(index, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"{name} must be an integer");

    public double Double(int index, string name) =>
        double.TryParse(Text(index, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"{name} must be a number");

    public TimeSpan Seconds(int index, string name) => TimeSpan.FromSeconds(Double(index, name));

    public Uri Uri(int index, string name) =>
        System.Uri.TryCreate(Text(index, name), UriKind.Absolute, out var value) ? value : throw new ArgumentException($"{name} must be an absolute URL");
}
