using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Burrow.Server.Acme.Challenges;
using Burrow.Server.Acme.Protocol;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// One order from start to stored certificate (RFC 8555, section 7.4): newOrder, every pending authorization's
/// challenge published, made visible, answered and polled, the answers removed again whatever happened, then a fresh
/// P-256 key, the CSR, finalize, and the chain downloaded and stored.
/// </summary>
internal sealed class CertificateIssuer
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private readonly AcmeClient _client;
    private readonly AcmeCertificateStore _store;
    private readonly string? _email;

    public CertificateIssuer(AcmeClient client, AcmeCertificateStore store, string? email)
    {
        _client = client;
        _store = store;
        _email = email;
    }

    public async Task<ServedCertificate> IssueAsync(IReadOnlyList<string> names, IChallengeSolver solver, string? replaces, CancellationToken cancellationToken)
    {
        await _client.EnsureAccountAsync(_email, cancellationToken);
        var order = await _client.NewOrderAsync(names, replaces, cancellationToken);
        if (order.Status is "pending")
        {
            await AuthorizeAsync(order, solver, cancellationToken);
        }
        else if (order.Status is not ("ready" or "processing" or "valid"))
        {
            throw new AcmeException($"The new order for {string.Join(", ", names)} is {order.Status}: {order.Error?.ToOneLine() ?? "no reason given"}", order.Error);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var finalized = order.Status == "valid" ? order : await _client.FinalizeAsync(order, CreateCsr(names, key), cancellationToken);
        if (finalized.Status != "valid" || finalized.Certificate is null)
        {
            throw new AcmeException($"The order for {string.Join(", ", names)} ended {finalized.Status}: {finalized.Error?.ToOneLine() ?? "no reason given"}", finalized.Error);
        }

        var chain = await _client.DownloadCertificateAsync(finalized.Certificate, cancellationToken);
        return _store.Save(names[0], chain, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A CSR naming every identifier in the subject alternative names (RFC 8555, section 7.4), the first non-wildcard as CN.</summary>
    public static byte[] CreateCsr(IReadOnlyList<string> names, ECDsa key)
    {
        var commonName = names.FirstOrDefault(n => !n.StartsWith('*')) ?? names[0];
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        var alternatives = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            alternatives.AddDnsName(name);
        }

        request.CertificateExtensions.Add(alternatives.Build());
        return request.CreateSigningRequest();
    }

    private async Task AuthorizeAsync(AcmeOrder order, IChallengeSolver solver, CancellationToken cancellationToken)
    {
        var prepared = new List<PreparedChallenge>();
        try
        {
            foreach (var url in order.Authorizations)
            {
                var authorization = await _client.GetAuthorizationAsync(url, cancellationToken);
                if (authorization.Status == "valid")
                {
                    continue;
                }

                var host = authorization.Identifier.Value;
                if (authorization.Status != "pending")
                {
                    throw new AcmeException($"The authorization for {host} is {authorization.Status}.");
                }

                var challenge = authorization.Challenges.FirstOrDefault(c => c.Type == solver.Type)
                    ?? throw new AcmeException($"The CA offers no {solver.Type} challenge for {host} (offered: {string.Join(", ", authorization.Challenges.Select(c => c.Type))}).");
                if (!KeyAuthorization.IsValidToken(challenge.Token))
                {
                    throw new AcmeException($"The CA sent a {solver.Type} token for {host} that is not base64url of at least 128 bits.");
                }

                var keyAuthorization = KeyAuthorization.Compute(challenge.Token!, _client.Key.Thumbprint);
                await solver.PrepareAsync(host, challenge.Token!, keyAuthorization, cancellationToken);
                prepared.Add(new PreparedChallenge(host, challenge.Token!, keyAuthorization, challenge.Url, url));
            }

            if (prepared.Count == 0)
            {
                return;
            }

            await solver.WaitUntilVisibleAsync(prepared, cancellationToken);
            foreach (var challenge in prepared)
            {
                await _client.RespondToChallengeAsync(challenge.ChallengeUrl, cancellationToken);
            }

            foreach (var challenge in prepared)
            {
                var result = await _client.WaitForAuthorizationAsync(challenge.AuthorizationUrl, cancellationToken);
                if (result.Status != "valid")
                {
                    var error = result.Challenges.FirstOrDefault(c => c.Type == solver.Type)?.Error;
                    throw new AcmeException($"The CA could not validate {challenge.Host} with {solver.Type}: {error?.ToOneLine() ?? result.Status}", error);
                }
            }
        }
        finally
        {
            // Cleanup even when the order failed or the server is stopping: a TXT record must not stay behind.
            using var cleanup = new CancellationTokenSource(CleanupTimeout);
            foreach (var challenge in prepared)
            {
                await solver.CleanupAsync(challenge.Host, challenge.Token, challenge.KeyAuthorization, cleanup.Token);
            }
        }
    }
}
