namespace Burrow.Protocol.Registration;

/// <summary>Headers the edge removes, then sets (replacing any value of the same name), in one direction.</summary>
public sealed record HeaderRules(IReadOnlyList<HeaderValue>? Add = null, IReadOnlyList<string>? Remove = null);
