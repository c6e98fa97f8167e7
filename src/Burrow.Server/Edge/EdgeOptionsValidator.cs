using System.Net;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

internal sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var failures = new List<string>();
        Check(options.ListenAddress == "*" || IPAddress.TryParse(options.ListenAddress, out _), $"ListenAddress: '{options.ListenAddress}' is not an IP address or *.");
        Check(options.HttpPort is >= 0 and <= 65535, $"HttpPort: {options.HttpPort} is not a port (0-65535).");
        Check(options.HttpsPort is null or (>= 0 and <= 65535), $"HttpsPort: {options.HttpsPort} is not a port (0-65535).");
        Check(options.HttpsPort is null or 0 || options.HttpsPort != options.HttpPort, "HttpsPort: must differ from HttpPort.");
        Check(options.MaxRequestHeadersSize >= 1024, "MaxRequestHeadersSize: must be at least 1024.");
        Check(options.MaxRequestLineSize >= 256, "MaxRequestLineSize: must be at least 256.");
        Check(options.HstsMaxAge >= TimeSpan.Zero, "HstsMaxAge: must not be negative (0 turns HSTS off).");
        foreach (var network in options.TrustedProxies)
        {
            Check(IPNetwork.TryParse(network, out _), $"TrustedProxies: '{network}' is not a network in CIDR notation (10.0.0.0/8).");
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
