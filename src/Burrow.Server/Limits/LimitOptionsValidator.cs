using Microsoft.Extensions.Options;

namespace Burrow.Server.Limits;

internal sealed class LimitOptionsValidator : IValidateOptions<LimitOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitOptions options)
    {
        var failures = new List<string>();
        Check(options.IPv6PrefixLength is >= 32 and <= 128, "IPv6PrefixLength: must be 32-128.");
        Check(options.MemoryBudget is null or >= 1024 * 1024, "MemoryBudget: must be at least 1 MiB (bytes).");
        Check(options.MaxConnections >= 1, "MaxConnections: must be at least 1.");
        Check(options.MaxConnectionsPerClient >= 1, "MaxConnectionsPerClient: must be at least 1.");
        Check(options.MaxRequestsPerUser >= 1, "MaxRequestsPerUser: must be at least 1.");
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
