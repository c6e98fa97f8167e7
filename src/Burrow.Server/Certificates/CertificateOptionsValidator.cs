using Microsoft.Extensions.Options;

namespace Burrow.Server.Certificates;

internal sealed class CertificateOptionsValidator : IValidateOptions<CertificateOptions>
{
    public ValidateOptionsResult Validate(string? name, CertificateOptions options)
    {
        if ((options.CertificatePath is null) != (options.CertificateKeyPath is null))
        {
            return ValidateOptionsResult.Fail("CertificateKeyPath: CertificatePath and CertificateKeyPath go together.");
        }

        if (options.CertificatePath is not null && !File.Exists(options.CertificatePath))
        {
            return ValidateOptionsResult.Fail($"CertificatePath: '{options.CertificatePath}' does not exist.");
        }

        if (options.CertificateKeyPath is not null && !File.Exists(options.CertificateKeyPath))
        {
            return ValidateOptionsResult.Fail($"CertificateKeyPath: '{options.CertificateKeyPath}' does not exist.");
        }

        return options.CertificateCheckInterval >= TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("CertificateCheckInterval: must not be negative.");
    }
}
