using Microsoft.Extensions.Options;

namespace Burrow.Server.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
        => string.IsNullOrWhiteSpace(options.DataDirectory)
            ? ValidateOptionsResult.Fail("DataDirectory: must not be empty.")
            : ValidateOptionsResult.Success;
}
