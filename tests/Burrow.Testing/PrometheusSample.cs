namespace Burrow.Testing;

/// <summary>One sample line of a Prometheus scrape: <c>name{label="value",...} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
