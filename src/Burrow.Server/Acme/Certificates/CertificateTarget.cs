namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// A certificate the server keeps: its names, what is served now, and when to act next. Touched only by the
/// manager's loop, apart from creation under the manager's lock.
/// </summary>
internal sealed class CertificateTarget(IReadOnlyList<string> names, CertificateTargetKind kind)
{
    public IReadOnlyList<string> Names { get; } = names;

    public CertificateTargetKind Kind { get; } = kind;

    public ServedCertificate? Certificate { get; set; }

    /// <summary>When to order (first issue, renewal, or retry after a failure).</summary>
    public DateTimeOffset OrderAt { get; set; }

    /// <summary>When to ask the CA's renewal information again (ARI), if it has any.</summary>
    public DateTimeOffset? RecheckAt { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset NextAction => RecheckAt is { } recheck && recheck < OrderAt ? recheck : OrderAt;
}
