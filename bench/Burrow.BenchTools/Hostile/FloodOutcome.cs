namespace Burrow.BenchTools.Hostile;

/// <summary>What one flood client saw: whether it connected, how much of its body went out, the response status if any.</summary>
internal readonly record struct FloodOutcome(bool Connected, long BytesSent, bool BodySent, int? Status, string? Failure);
