namespace Burrow.BenchTools.Probes;

/// <summary>One probe request: when it was due (seconds from the start), how long it took, and its outcome.</summary>
internal readonly record struct ProbeSample(double DueSeconds, double Milliseconds, int Status, string? Error)
{
    public bool Ok => Error is null && Status is >= 200 and < 300;
}
