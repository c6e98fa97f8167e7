using Microsoft.AspNetCore.Authentication;

namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// Every provider shares the one callback path, so the OpenID Connect <c>state</c> says which provider's handler must
/// finish the sign-in: "NAME." before the protected state. The name is only a routing hint; the handler still
/// refuses state it did not protect itself.
/// </summary>
internal sealed class ProviderTaggedState : ISecureDataFormat<AuthenticationProperties>
{
    private readonly ISecureDataFormat<AuthenticationProperties> _inner;
    private readonly string _prefix;

    public ProviderTaggedState(ISecureDataFormat<AuthenticationProperties> inner, string provider)
    {
        _inner = inner;
        _prefix = provider + ".";
    }

    /// <summary>The provider a state names, or null.</summary>
    public static string? ProviderOf(string? state)
    {
        var dot = state?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot is > 0 and <= 63 ? state![..dot] : null;
    }

    public string Protect(AuthenticationProperties data) => _prefix + _inner.Protect(data);

    public string Protect(AuthenticationProperties data, string? purpose) => _prefix + _inner.Protect(data, purpose);

    public AuthenticationProperties? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationProperties? Unprotect(string? protectedText, string? purpose)
        => protectedText is not null && protectedText.StartsWith(_prefix, StringComparison.Ordinal) ? _inner.Unprotect(protectedText[_prefix.Length..], purpose) : null;
}
