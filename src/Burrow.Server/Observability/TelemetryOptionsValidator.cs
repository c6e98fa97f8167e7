using Microsoft.Extensions.Options;

namespace Burrow.Server.Observability;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        if (options.MetricsTunnelLimit is < 1 or > 100_000)
        {
            return ValidateOptionsResult.Fail("MetricsTunnelLimit: must be 1-100,000.");
        }

        if (options.OtlpEndpoint is { } endpoint && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            return ValidateOptionsResult.Fail($"OtlpEndpoint: '{endpoint}' is not an http:// or https:// URL.");
        }

        if (options.OtlpProtocol is not ("grpc" or "http"))
        {
            return ValidateOptionsResult.Fail("OtlpProtocol: must be grpc or http.");
        }

        return ValidateOptionsResult.Success;
    }
}
