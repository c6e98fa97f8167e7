using Burrow.Protocol;
using System.Text;

namespace Burrow.Server.Acme.Protocol;

/// <summary>A problem document (RFC 7807 as used by RFC 8555, section 6.7), possibly with subproblems per identifier.</summary>
internal sealed record AcmeProblem(string? Type, string? Detail, int? Status, List<AcmeProblem>? Subproblems, AcmeIdentifier? Identifier)
{
    public const string ErrorPrefix = "urn:ietf:params:acme:error:";

    /// <summary>The short type ("badNonce", "rateLimited"), or the full URI when it is not an ACME error.</summary>
    public string ShortType => Type is null ? "unknown" : Type.StartsWith(ErrorPrefix, StringComparison.Ordinal) ? Type[ErrorPrefix.Length..] : Type;

    public bool Is(string shortType) => string.Equals(ShortType, shortType, StringComparison.Ordinal);

    /// <summary>One readable line: "rateLimited: too many orders (dns demo.example.com: ...)", control characters escaped.</summary>
    public string ToOneLine()
    {
        var line = new StringBuilder(ShortType).Append(": ").Append(PeerText.Escape(Detail ?? "(no detail)", 1000));
        if (Subproblems is { Count: > 0 })
        {
            line.Append(" [");
            for (var i = 0; i < Subproblems.Count; i++)
            {
                var sub = Subproblems[i];
                line.Append(i == 0 ? string.Empty : "; ")
                    .Append(PeerText.Escape(sub.Identifier?.Value ?? "?", 255)).Append(": ")
                    .Append(sub.ShortType).Append(' ').Append(PeerText.Escape(sub.Detail ?? string.Empty, 300));
            }

            line.Append(']');
        }

        return line.ToString();
    }
}
