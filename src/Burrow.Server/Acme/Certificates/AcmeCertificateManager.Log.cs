using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Certificates;

internal sealed partial class AcmeCertificateManager
{
    private static partial class Log
    {
        [LoggerMessage(AcmeLogEventIds.OrderStarted, LogLevel.Information, "ACME: ordering a certificate for {Names} ({Why})")]
        public static partial void OrderStarted(ILogger logger, string names, string why);

        [LoggerMessage(AcmeLogEventIds.CertificateIssued, LogLevel.Information, "ACME: certificate for {Names} issued by {Issuer}, valid until {NotAfter:u}")]
        public static partial void Issued(ILogger logger, string names, string issuer, DateTimeOffset notAfter);

        [LoggerMessage(AcmeLogEventIds.OrderFailed, LogLevel.Warning, "ACME: order for {Names} failed: {Reason}; next attempt in {Delay}; {Serving}")]
        public static partial void OrderFailed(ILogger logger, string names, string reason, TimeSpan delay, string serving);

        [LoggerMessage(AcmeLogEventIds.AccountFailed, LogLevel.Warning, "ACME: no account at {Directory}: {Reason}; next attempt in {Delay}")]
        public static partial void AccountFailed(ILogger logger, string directory, string reason, TimeSpan delay);

        [LoggerMessage(AcmeLogEventIds.CertificateLoaded, LogLevel.Information, "ACME: stored certificate for {Names} loaded, valid until {NotAfter:u}")]
        public static partial void Loaded(ILogger logger, string names, DateTimeOffset notAfter);

        [LoggerMessage(AcmeLogEventIds.CertificateLoadFailed, LogLevel.Warning, "ACME: stored certificate {File} not usable (it will be ordered again): {Reason}")]
        public static partial void LoadFailed(ILogger logger, string file, string reason);

        [LoggerMessage(AcmeLogEventIds.OnDemandRateLimited, LogLevel.Warning, "ACME: no certificate ordered for {Host}: {User} or the server reached the hourly on-demand limit")]
        public static partial void RateLimited(ILogger logger, string host, string user);

        [LoggerMessage(AcmeLogEventIds.OnDemandQueued, LogLevel.Information, "ACME: certificate for {Host} queued (claimed by {User})")]
        public static partial void Queued(ILogger logger, string host, string user);

        [LoggerMessage(AcmeLogEventIds.RenewalScheduled, LogLevel.Information, "ACME: certificate for {Names} renews at {When:u} ({Source})")]
        public static partial void RenewalScheduled(ILogger logger, string names, DateTimeOffset when, string source);

        [LoggerMessage(AcmeLogEventIds.RenewalInfoFailed, LogLevel.Warning, "ACME: renewal information for {Names} unavailable: {Reason}")]
        public static partial void RenewalInfoFailed(ILogger logger, string names, string reason);
    }
}
