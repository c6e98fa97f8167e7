namespace Burrow.Agent.Connection;

/// <summary>How one channel session ended without an error: whether it was online, and what was lost.</summary>
internal readonly record struct SessionOutcome(bool WasOnline, string LostReason);
