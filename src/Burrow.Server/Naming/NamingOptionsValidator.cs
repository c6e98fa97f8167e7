using Microsoft.Extensions.Options;

namespace Burrow.Server.Naming;

internal sealed class NamingOptionsValidator : IValidateOptions<NamingOptions>
{
    public ValidateOptionsResult Validate(string? name, NamingOptions options)
    {
        var domain = TunnelNames.ToAscii(options.Domain ?? string.Empty);
        if (domain is null || !TunnelNames.IsValidDomain(domain))
        {
            return ValidateOptionsResult.Fail($"Domain: '{options.Domain}' is not a valid domain name.");
        }

        return options.PublicPort is null or (>= 1 and <= 65535)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"PublicPort: {options.PublicPort} is not a port (1-65535).");
    }
}
