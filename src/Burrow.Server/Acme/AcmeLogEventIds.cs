namespace Burrow.Server.Acme;

/// <summary>Log event ids of automatic certificates: the range 2400-2499 (the table in Burrow.Protocol's LogEventIds points here).</summary>
internal static class AcmeLogEventIds
{
    public const int AccountReady = 2400;
    public const int OrderStarted = 2401;
    public const int CertificateIssued = 2402;
    public const int OrderFailed = 2403;
    public const int ProblemDocument = 2404;
    public const int RequestRetried = 2405;
    public const int CertificateLoaded = 2406;
    public const int CertificateLoadFailed = 2407;
    public const int OnDemandRateLimited = 2408;
    public const int OnDemandQueued = 2409;
    public const int RenewalScheduled = 2410;
    public const int RenewalInfoFailed = 2411;
    public const int ChallengeServed = 2412;
    public const int DnsRecordPresented = 2413;
    public const int DnsRecordCleanedUp = 2414;
    public const int DnsCleanupFailed = 2415;
    public const int DnsWaitingForPropagation = 2416;
    public const int AccountFailed = 2417;
}
