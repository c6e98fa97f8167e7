using System.Net;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

internal sealed class ChannelOptionsValidator : IValidateOptions<ChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelOptions options)
    {
        var failures = new List<string>();
        Check(options.ListenAddress == "*" || IPAddress.TryParse(options.ListenAddress, out _), $"ListenAddress: '{options.ListenAddress}' is not an IP address or *.");
        Check(options.ChannelPort is >= 0 and <= 65535, $"ChannelPort: {options.ChannelPort} is not a port (0-65535).");
        Check(options.HandshakeTimeout > TimeSpan.Zero, "HandshakeTimeout: must be positive.");
        Check(options.ChannelConnectionsPerMinute >= 1, "ChannelConnectionsPerMinute: must be at least 1.");
        Check(options.FailedHandshakesPerMinute >= 1, "FailedHandshakesPerMinute: must be at least 1.");
        Check(options.MaxHandshakesInProgress >= 1, "MaxHandshakesInProgress: must be at least 1.");
        Check(options.MaxHandshakesInProgressPerNetwork >= 1, "MaxHandshakesInProgressPerNetwork: must be at least 1.");
        Check(options.RevocationCheckInterval > TimeSpan.Zero, "RevocationCheckInterval: must be positive.");
        Check(options.ShutdownGracePeriod >= TimeSpan.Zero, "ShutdownGracePeriod: must not be negative.");
        try
        {
            options.Mux.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            failures.Add($"Mux:{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}");
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
