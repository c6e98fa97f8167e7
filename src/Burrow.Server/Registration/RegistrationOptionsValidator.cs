using Burrow.Server.Naming;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Registration;

internal sealed class RegistrationOptionsValidator : IValidateOptions<RegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistrationOptions options)
    {
        var failures = new List<string>();
        Check(options.RegistrationLifetime > TimeSpan.Zero, "RegistrationLifetime: must be positive.");
        Check(options.RegistrationsPerMinute >= 1, "RegistrationsPerMinute: must be at least 1.");
        Check(options.RegistrationsPerUserPerMinute >= 1, "RegistrationsPerUserPerMinute: must be at least 1.");
        Check(options.MaxNamesPerUser >= 1, "MaxNamesPerUser: must be at least 1.");
        Check(options.NameRetentionDays >= 0, "NameRetentionDays: must not be negative (0 keeps names for ever).");
        Check(options.MaxNamesPerChannel is >= 1 and <= 256, "MaxNamesPerChannel: must be 1-256.");
        foreach (var reserved in options.ReservedNames)
        {
            Check(TunnelNames.Normalize(reserved) is not null, $"ReservedNames: '{reserved}' is not a DNS label.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string failure)
        {
            if (!ok)
            {
                failures.Add(failure);
            }
        }
    }
}
