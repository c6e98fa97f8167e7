namespace Burrow.Server.Policy;

/// <summary>The compiled policies of one registration by name, or why they were refused (status and sentence).</summary>
internal sealed record PolicyCompilation(IReadOnlyDictionary<string, TunnelPolicy> Policies, int Status = 0, string? Title = null, string? Refusal = null)
{
    public bool Succeeded => Refusal is null;

    public static PolicyCompilation Refused(int status, string title, string refusal) => new(new Dictionary<string, TunnelPolicy>(), status, title, refusal);
}
