using Burrow.Server.Acme.Dns;
using Burrow.Server.Acme.Protocol;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Challenges;

/// <summary>DNS-01: a TXT record at <c>_acme-challenge.HOST</c> holding base64url(SHA-256(key authorization)), published through the provider.</summary>
internal sealed partial class Dns01Solver(IAcmeDnsProvider provider, DnsPropagationChecker propagation, ILogger logger) : IChallengeSolver
{
    public string Type => AcmeChallenge.Dns01;

    public static string RecordName(string host) => "_acme-challenge." + host.TrimEnd('.');

    public async Task PrepareAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        await provider.PresentAsync(RecordName(host), KeyAuthorization.DnsTxtValue(keyAuthorization), cancellationToken);
        Log.Presented(logger, RecordName(host));
    }

    public Task WaitUntilVisibleAsync(IReadOnlyList<PreparedChallenge> prepared, CancellationToken cancellationToken) =>
        propagation.WaitAsync([.. prepared.Select(p => (RecordName(p.Host), KeyAuthorization.DnsTxtValue(p.KeyAuthorization)))], cancellationToken);

    public async Task CleanupAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        try
        {
            await provider.CleanupAsync(RecordName(host), KeyAuthorization.DnsTxtValue(keyAuthorization), cancellationToken);
            Log.CleanedUp(logger, RecordName(host));
        }
        catch (DnsProviderException ex)
        {
            Log.CleanupFailed(logger, RecordName(host), ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(AcmeLogEventIds.DnsRecordPresented, LogLevel.Information, "DNS-01: TXT record {Name} published")]
        public static partial void Presented(ILogger logger, string name);

        [LoggerMessage(AcmeLogEventIds.DnsRecordCleanedUp, LogLevel.Information, "DNS-01: TXT record {Name} removed")]
        public static partial void CleanedUp(ILogger logger, string name);

        [LoggerMessage(AcmeLogEventIds.DnsCleanupFailed, LogLevel.Warning, "DNS-01: TXT record {Name} could not be removed (remove it by hand): {Reason}")]
        public static partial void CleanupFailed(ILogger logger, string name, string reason);
    }
}
