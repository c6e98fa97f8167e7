using Burrow.Server.Acme.Dns;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Acme;

/// <summary>Checks <see cref="AcmeOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class AcmeOptionsValidator : IValidateOptions<AcmeOptions>
{
    public ValidateOptionsResult Validate(string? name, AcmeOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        void Check(bool ok, string key, string problem)
        {
            if (!ok)
            {
                failures.Add($"Acme:{key}: {problem}.");
            }
        }

        Check(options.Email is null || (options.Email.Contains('@', StringComparison.Ordinal) && !options.Email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))), "Email", $"'{options.Email}' is not an e-mail address");
        Check(Uri.TryCreate(options.EffectiveDirectoryUrl, UriKind.Absolute, out var directory) && directory.Scheme == Uri.UriSchemeHttps, "DirectoryUrl", $"'{options.EffectiveDirectoryUrl}' is not an https URL (RFC 8555 section 6.1 requires TLS)");
        Check(!(options.Staging && options.DirectoryUrl is not null), "Staging", "choose either Staging or a DirectoryUrl");
        Check(options.CaFile is null || File.Exists(options.CaFile), "CaFile", $"'{options.CaFile}' does not exist");
        Check(Enum.IsDefined(options.Challenge), "Challenge", $"'{options.Challenge}' is not Http01 or TlsAlpn01");
        Check(!options.Wildcard || options.HasDnsProvider, "Wildcard", "needs a DNS provider (Acme:DnsRfc2136 or Acme:DnsHook): wildcards are validated through DNS-01 only");
        Check(options.Wildcard || !options.HasDnsProvider, "Wildcard", "a DNS provider is configured but Acme:Wildcard is off; turn it on (DNS-01 is used for the wildcard certificate)");
        Check(!(options.DnsRfc2136 is not null && options.DnsHook is not null), "DnsHook", "choose either Acme:DnsRfc2136 or Acme:DnsHook");
        Check(options.DnsRfc2136 is null || DnsServerAddress.TryParse(options.DnsRfc2136, out _), "DnsRfc2136", $"'{options.DnsRfc2136}' is not host:port");
        Check(options.DnsTsig is null || options.DnsRfc2136 is not null, "DnsTsig", "is only used with Acme:DnsRfc2136");
        Check(options.DnsTsig is null || TsigKey.TryParse(options.DnsTsig, out _, out _), "DnsTsig", TsigKey.TryParse(options.DnsTsig ?? "", out _, out var tsigProblem) ? "" : tsigProblem ?? "");
        Check(options.DnsHook is null || File.Exists(options.DnsHook), "DnsHook", $"'{options.DnsHook}' does not exist");
        foreach (var server in options.DnsCheckServers)
        {
            Check(DnsServerAddress.TryParse(server, out _), "DnsCheckServers", $"'{server}' is not host:port");
        }

        Check(options.DnsPropagationTimeout > TimeSpan.Zero, "DnsPropagationTimeout", "must be positive");
        Check(options.DnsHookTimeout > TimeSpan.Zero, "DnsHookTimeout", "must be positive");
        Check(options.OnDemandPerUserPerHour >= 0, "OnDemandPerUserPerHour", "must not be negative");
        Check(options.OnDemandPerHour >= 0, "OnDemandPerHour", "must not be negative");
        Check(options.RetryBaseDelay > TimeSpan.Zero, "RetryBaseDelay", "must be positive");
        Check(options.RetryMaxDelay >= options.RetryBaseDelay, "RetryMaxDelay", "must be at least RetryBaseDelay");
        Check(options.OrderTimeout > TimeSpan.Zero, "OrderTimeout", "must be positive");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
