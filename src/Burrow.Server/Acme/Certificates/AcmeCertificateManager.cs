using Burrow.Protocol;
using System.Security.Cryptography;
using System.Threading.Channels;
using Burrow.Server.Acme.Challenges;
using Burrow.Server.Acme.Dns;
using Burrow.Server.Acme.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// Keeps the server's certificates: loads the stored ones at start, orders the base (or wildcard) certificate,
/// orders per-name certificates when registration asks (<see cref="IOnDemandCertificates"/>), and renews each at
/// its ARI window or two thirds of its lifetime. One loop does every order in turn; a failure is logged and retried
/// with exponential backoff, and meanwhile the old certificate keeps serving until it expires.
/// </summary>
internal sealed partial class AcmeCertificateManager : BackgroundService, IOnDemandCertificates
{
    private static readonly TimeSpan LongestSleep = TimeSpan.FromHours(12);

    private readonly AcmeOptions _options;
    private readonly string _domain;
    private readonly AcmeClient _client;
    private readonly CertificateIssuer _issuer;
    private readonly AcmeCertificateStore _store;
    private readonly AcmeCertificateSelector _selector;
    private readonly IChallengeSolver _nameSolver;
    private readonly IChallengeSolver? _dnsSolver;
    private readonly OnDemandRateLimiter _limiter;
    private readonly AcmeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CertificateTarget> _targets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public AcmeCertificateManager(
        AcmeSettings settings,
        AcmeClient client,
        AcmeCertificateStore store,
        AcmeCertificateSelector selector,
        Http01Responder http01,
        TlsAlpn01Responder tlsAlpn01,
        AcmeMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers,
        IAcmeDnsProvider? dns = null)
    {
        _options = settings.Options;
        _domain = settings.Domain.ToLowerInvariant();
        _client = client;
        _store = store;
        _selector = selector;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger<AcmeCertificateManager>();
        _issuer = new CertificateIssuer(client, store, _options.Email);
        _nameSolver = _options.Challenge == AcmeChallengeType.TlsAlpn01 ? new TlsAlpn01Solver(tlsAlpn01) : new Http01Solver(http01);
        if (dns is not null)
        {
            var checkServers = _options.DnsCheckServers.Count > 0 ? [.. _options.DnsCheckServers.Select(DnsServerAddress.Parse)] : dns.DefaultCheckServers;
            var propagation = new DnsPropagationChecker(checkServers, _options.DnsPropagationTimeout, time, loggers.CreateLogger<DnsPropagationChecker>());
            _dnsSolver = new Dns01Solver(dns, propagation, loggers.CreateLogger<Dns01Solver>());
        }

        _limiter = new OnDemandRateLimiter(_options.OnDemandPerUserPerHour, _options.OnDemandPerHour, time);
        _client.PollTimeout = _options.OrderTimeout;
    }

    /// <summary>Snapshot of the certificates served now (for status and tests).</summary>
    public IReadOnlyCollection<ServedCertificate> Certificates => _selector.All;

    public OnDemandResult RequestCertificate(string host, string userName)
    {
        var name = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (_options.Wildcard)
        {
            return OnDemandResult.AlreadyCovered;
        }

        if (!IsSingleLabelUnder(name, _domain))
        {
            return OnDemandResult.NotEligible;
        }

        lock (_lock)
        {
            if (_targets.ContainsKey(name))
            {
                return OnDemandResult.AlreadyCovered;
            }
        }

        if (!_limiter.TryAcquire(userName))
        {
            Log.RateLimited(_logger, name, userName);
            _metrics.OrderCompleted("rate_limited");
            return OnDemandResult.RateLimited;
        }

        lock (_lock)
        {
            if (!_targets.TryAdd(name, new CertificateTarget([name], CertificateTargetKind.OnDemand) { OrderAt = _time.GetUtcNow() }))
            {
                return OnDemandResult.AlreadyCovered;
            }
        }

        Log.Queued(_logger, name, userName);
        _wake.Writer.TryWrite(true);
        return OnDemandResult.Queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LoadStored();
        var baseNames = _options.Wildcard ? new[] { _domain, "*." + _domain } : [_domain];
        lock (_lock)
        {
            if (!_targets.ContainsKey(baseNames[0]))
            {
                _targets[baseNames[0]] = new CertificateTarget(baseNames, _options.Wildcard ? CertificateTargetKind.Wildcard : CertificateTargetKind.Base) { OrderAt = _time.GetUtcNow() };
            }
        }

        var accountFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _client.EnsureAccountAsync(_options.Email, stoppingToken);
                accountFailures = 0;
                await RunDueAsync(stoppingToken);
            }
            catch (Exception ex) when (IsOrderFailure(ex) && !stoppingToken.IsCancellationRequested)
            {
                // The CA is unreachable or refuses the account: nothing can be ordered; try again with backoff.
                var delay = Backoff(++accountFailures, (ex as AcmeException)?.RetryAfter);
                Log.AccountFailed(_logger, _options.EffectiveDirectoryUrl, Reason(ex), delay);
                await SleepAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Does everything that is due, then sleeps until the next thing is due or a new name is queued.</summary>
    private async Task RunDueAsync(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        CertificateTarget? due;
        DateTimeOffset next;
        lock (_lock)
        {
            due = _targets.Values.Where(t => t.NextAction <= now).OrderBy(t => t.Kind == CertificateTargetKind.OnDemand ? 1 : 0).ThenBy(t => t.NextAction).FirstOrDefault();
            next = _targets.Count == 0 ? now + LongestSleep : _targets.Values.Min(t => t.NextAction);
        }

        if (due is null)
        {
            await SleepAsync(next - now, stoppingToken);
            return;
        }

        if (due.OrderAt <= now)
        {
            await OrderAsync(due, stoppingToken);
        }
        else
        {
            await PlanRenewalAsync(due, stoppingToken);
        }
    }

    private async Task OrderAsync(CertificateTarget target, CancellationToken stoppingToken)
    {
        var names = string.Join(", ", target.Names);
        var renewing = target.Certificate is not null;
        Log.OrderStarted(_logger, names, renewing ? "renewal" : "new");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.OrderTimeout);
            var directory = await _client.GetDirectoryAsync(timeout.Token);
            var replaces = renewing && directory.RenewalInfo is not null ? AcmeCertificateId.Of(target.Certificate!.Leaf) : null;
            var solver = target.Kind == CertificateTargetKind.Wildcard ? _dnsSolver! : _nameSolver;
            var certificate = await _issuer.IssueAsync(target.Names, solver, replaces, timeout.Token);
            target.Certificate = certificate;
            target.Failures = 0;
            _selector.Install(certificate);
            _metrics.OrderCompleted("issued");
            Log.Issued(_logger, names, certificate.Leaf.Issuer, certificate.NotAfter);
            await PlanRenewalAsync(target, stoppingToken);
        }
        catch (Exception ex) when (IsOrderFailure(ex) && !stoppingToken.IsCancellationRequested)
        {
            var delay = Backoff(++target.Failures, (ex as AcmeException)?.RetryAfter);
            target.OrderAt = _time.GetUtcNow() + delay;
            _metrics.OrderCompleted("failed");
            var serving = target.Certificate is { } old ? $"the current certificate serves until {old.NotAfter:u}" : "visitors get the base certificate meanwhile";
            Log.OrderFailed(_logger, names, Reason(ex), delay, serving);
        }
    }

    /// <summary>Sets when to renew: the ARI window when the CA offers one, else two thirds of the lifetime.</summary>
    private async Task PlanRenewalAsync(CertificateTarget target, CancellationToken stoppingToken)
    {
        var certificate = target.Certificate!;
        var fallback = RenewalPlanner.TwoThirds(certificate.NotBefore, certificate.NotAfter);
        target.OrderAt = fallback;
        target.RecheckAt = null;
        var source = "two thirds of its lifetime";
        try
        {
            if (AcmeCertificateId.Of(certificate.Leaf) is { } id && await _client.GetRenewalInfoAsync(id, stoppingToken) is { } info)
            {
                var now = _time.GetUtcNow();
                target.OrderAt = RenewalPlanner.FromWindow(info.SuggestedWindow, now, Random.Shared.NextDouble(), fallback);
                target.RecheckAt = now + RenewalPlanner.RecheckAfter(info.RetryAfter);
                source = "the CA's renewal window (ARI)";
            }
        }
        catch (Exception ex) when (IsOrderFailure(ex) && !stoppingToken.IsCancellationRequested)
        {
            target.RecheckAt = _time.GetUtcNow() + RenewalPlanner.RecheckAfter(null);
            Log.RenewalInfoFailed(_logger, string.Join(", ", target.Names), Reason(ex));
        }

        Log.RenewalScheduled(_logger, string.Join(", ", target.Names), target.OrderAt, source);
    }

    private void LoadStored()
    {
        foreach (var (file, certificate, problem) in _store.LoadAll())
        {
            if (certificate is null || certificate.Names.Count == 0)
            {
                Log.LoadFailed(_logger, file, problem ?? "no DNS names");
                continue;
            }

            _selector.Install(certificate);
            var kind = certificate.Names.Contains("*." + _domain) ? CertificateTargetKind.Wildcard
                : certificate.Names[0] == _domain ? CertificateTargetKind.Base : CertificateTargetKind.OnDemand;
            var target = new CertificateTarget(certificate.Names, kind)
            {
                Certificate = certificate,
                OrderAt = RenewalPlanner.TwoThirds(certificate.NotBefore, certificate.NotAfter),

                // Ask for the CA's renewal window once the account is up.
                RecheckAt = _time.GetUtcNow(),
            };
            lock (_lock)
            {
                _targets[certificate.Names[0]] = target;
            }

            Log.Loaded(_logger, string.Join(", ", certificate.Names), certificate.NotAfter);
        }
    }

    private async Task SleepAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var wakeOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.Reader.WaitToReadAsync(wakeOrTimeout.Token).AsTask();
        var slept = Task.Delay(delay < LongestSleep ? delay : LongestSleep, _time, wakeOrTimeout.Token);
        await Task.WhenAny(woken, slept);
        await wakeOrTimeout.CancelAsync();
        _wake.Reader.TryRead(out _);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private TimeSpan Backoff(int failures, TimeSpan? retryAfter)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var delay = exponential < _options.RetryMaxDelay ? exponential : _options.RetryMaxDelay;
        return retryAfter is { } r && r > delay ? r : delay;
    }

    private static bool IsOrderFailure(Exception ex) =>
        ex is AcmeException or DnsProviderException or HttpRequestException or OperationCanceledException or IOException or CryptographicException or UnauthorizedAccessException;

    private static string Reason(Exception ex) => ex switch
    {
        OperationCanceledException => "timed out",
        // HttpClient's message often ends in "See the inner exception": the operator needs the cause itself (an
        // untrusted chain, a refused connection) on the one line.
        HttpRequestException http => $"CA unreachable: {PeerText.Escape(InnermostMessage(http), 1000)}",
        _ => PeerText.Escape(ex.Message, 1000),
    };

    private static string InnermostMessage(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message);
        }

        return string.Join(": ", parts);
    }

    private static bool IsSingleLabelUnder(string host, string domain)
    {
        if (host.Length <= domain.Length + 1 || !host.EndsWith("." + domain, StringComparison.Ordinal))
        {
            return false;
        }

        var label = host[..^(domain.Length + 1)];
        return label.Length <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }
}
