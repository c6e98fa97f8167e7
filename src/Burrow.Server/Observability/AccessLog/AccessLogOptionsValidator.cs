using Microsoft.Extensions.Options;

namespace Burrow.Server.Observability.AccessLog;

internal sealed class AccessLogOptionsValidator : IValidateOptions<AccessLogOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessLogOptions options)
    {
        if (options.AccessLogQueueSize is < 1 or > 10_000_000)
        {
            return ValidateOptionsResult.Fail("AccessLogQueueSize: must be 1-10,000,000.");
        }

        if (options.AccessLog is { } path && !path.Equals("stdout", StringComparison.OrdinalIgnoreCase))
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is null || !Directory.Exists(directory))
            {
                return ValidateOptionsResult.Fail($"AccessLog: the directory of {path} does not exist.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
