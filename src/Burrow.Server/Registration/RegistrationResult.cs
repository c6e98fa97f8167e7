using Burrow.Protocol.Registration;

namespace Burrow.Server.Registration;

/// <summary>
/// What <see cref="Registrar.Register"/> decided: the answer for the agent, or a refusal with its HTTP status and the
/// sentence a person reads (RFC 9457 title and detail).
/// </summary>
internal sealed record RegistrationResult(RegistrationResponse? Response, int Status, string? Title = null, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Response is not null;

    public static RegistrationResult Refused(int status, string title, string detail, TimeSpan? retryAfter = null) => new(null, status, title, detail, retryAfter);
}
