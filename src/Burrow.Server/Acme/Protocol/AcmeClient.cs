using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// An RFC 8555 client for one CA and one account key: directory, account, orders, authorizations, challenges,
/// finalize, certificate download, and ARI renewal information (RFC 9773). Every request is a flattened JWS POST
/// (see AcmeClient.Transport.cs for nonces, badNonce retries and backoff). One instance serves the whole server.
/// </summary>
internal sealed partial class AcmeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _directoryUrl;
    private readonly AcmeAccountKey _key;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _accountLock = new(1, 1);
    private AcmeDirectory? _directory;
    private string? _accountUrl;

    public AcmeClient(HttpClient http, Uri directoryUrl, AcmeAccountKey key, TimeProvider time, ILogger logger)
    {
        _http = http;
        _directoryUrl = directoryUrl;
        _key = key;
        _time = time;
        _logger = logger;
    }

    public AcmeAccountKey Key => _key;

    /// <summary>The account URL (the "kid"), once <see cref="EnsureAccountAsync"/> succeeded.</summary>
    public string? AccountUrl => _accountUrl;

    /// <summary>How long polls may take in total before an order counts as stuck (default 5 min).</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest Retry-After the client waits out inside one call; longer ones are left to the caller's schedule.</summary>
    public TimeSpan MaxInlineWait { get; set; } = TimeSpan.FromMinutes(1);

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is not null)
        {
            return _directory;
        }

        using var response = await _http.GetAsync(_directoryUrl, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AcmeException($"The ACME directory {_directoryUrl} answered {(int)response.StatusCode}.", TryParseProblem(body));
        }

        _directory = Deserialize(body, AcmeJsonContext.Default.AcmeDirectory);
        return _directory;
    }

    /// <summary>
    /// Creates the account, or finds the existing one for this key: newAccount with a known key answers 200 with the
    /// account's URL (RFC 8555, section 7.3.1), so a restart reuses the account without storing its URL.
    /// </summary>
    public async Task<string> EnsureAccountAsync(string? email, CancellationToken cancellationToken)
    {
        await _accountLock.WaitAsync(cancellationToken);
        try
        {
            if (_accountUrl is not null)
            {
                return _accountUrl;
            }

            var directory = await GetDirectoryAsync(cancellationToken);
            var payload = JsonSerializer.SerializeToUtf8Bytes(new NewAccountPayload(true, email is null ? null : [$"mailto:{email}"]), AcmeJsonContext.Default.NewAccountPayload);
            var response = await PostAsync(new Uri(directory.NewAccount), payload, signWithJwk: true, cancellationToken);
            _accountUrl = response.Location?.AbsoluteUri ?? throw new AcmeException("newAccount answered without the account URL (Location).");
            Log.AccountReady(_logger, _accountUrl, response.Status == HttpStatusCode.Created ? "created" : "existing");
            return _accountUrl;
        }
        finally
        {
            _accountLock.Release();
        }
    }

    public async Task<AcmeOrder> NewOrderAsync(IEnumerable<string> names, string? replaces, CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new NewOrderPayload([.. names.Select(AcmeIdentifier.Dns)], replaces), AcmeJsonContext.Default.NewOrderPayload);
        var response = await PostAsync(new Uri(directory.NewOrder), payload, signWithJwk: false, cancellationToken);
        var order = Deserialize(response.Body, AcmeJsonContext.Default.AcmeOrder);
        return order with { Url = response.Location?.AbsoluteUri ?? throw new AcmeException("newOrder answered without the order URL (Location).") };
    }

    public async Task<AcmeAuthorization> GetAuthorizationAsync(string url, CancellationToken cancellationToken)
    {
        var response = await PostAsGetAsync(new Uri(url), cancellationToken);
        return Deserialize(response.Body, AcmeJsonContext.Default.AcmeAuthorization);
    }

    /// <summary>Tells the CA the challenge is ready (RFC 8555, section 7.5.1: POST of an empty JSON object).</summary>
    public Task RespondToChallengeAsync(string url, CancellationToken cancellationToken) =>
        PostAsync(new Uri(url), "{}"u8.ToArray(), signWithJwk: false, cancellationToken);

    /// <summary>Polls an authorization until it is no longer pending (valid, invalid, or another final state).</summary>
    public async Task<AcmeAuthorization> WaitForAuthorizationAsync(string url, CancellationToken cancellationToken)
    {
        var (authorization, _) = await PollAsync(new Uri(url), AcmeJsonContext.Default.AcmeAuthorization, a => a.Status is not ("pending" or "processing"), cancellationToken);
        return authorization;
    }

    /// <summary>Sends the CSR (DER) and waits until the order is valid (or failed).</summary>
    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csr, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new FinalizePayload(Base64Url.EncodeToString(csr)), AcmeJsonContext.Default.FinalizePayload);
        var response = await PostAsync(new Uri(order.Finalize), payload, signWithJwk: false, cancellationToken);
        var finalized = Deserialize(response.Body, AcmeJsonContext.Default.AcmeOrder);
        if (finalized.Status is "processing" or "pending" or "ready")
        {
            (finalized, _) = await PollAsync(new Uri(order.Url!), AcmeJsonContext.Default.AcmeOrder, o => o.Status is "valid" or "invalid", cancellationToken);
        }

        return finalized with { Url = order.Url };
    }

    /// <summary>Downloads the issued chain (RFC 8555, section 7.4.2): PEM, leaf first.</summary>
    public async Task<string> DownloadCertificateAsync(string url, CancellationToken cancellationToken)
    {
        var response = await PostAsGetAsync(new Uri(url), cancellationToken);
        return System.Text.Encoding.ASCII.GetString(response.Body);
    }

    /// <summary>RFC 9773 renewal information for a certificate (by its ARI id), or null when the CA does not offer ARI.</summary>
    public async Task<AcmeRenewalInfo?> GetRenewalInfoAsync(string certificateId, CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken);
        if (directory.RenewalInfo is null)
        {
            return null;
        }

        // An unauthenticated GET (RFC 9773, section 4.1).
        using var response = await _http.GetAsync(new Uri(directory.RenewalInfo.TrimEnd('/') + "/" + certificateId), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AcmeException($"renewalInfo answered {(int)response.StatusCode}.", TryParseProblem(body));
        }

        return Deserialize(body, AcmeJsonContext.Default.AcmeRenewalInfo) with { RetryAfter = RetryAfterOf(response) };
    }

    public void Dispose()
    {
        _accountLock.Dispose();
    }
}
