using Burrow.Server.Acme.Protocol;

namespace Burrow.Server.Acme.Challenges;

/// <summary>TLS-ALPN-01: the challenge certificate is presented on the HTTPS port to connections offering acme-tls/1.</summary>
internal sealed class TlsAlpn01Solver(TlsAlpn01Responder responder) : IChallengeSolver
{
    public string Type => AcmeChallenge.TlsAlpn01;

    public Task PrepareAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        responder.Add(host, keyAuthorization);
        return Task.CompletedTask;
    }

    public Task WaitUntilVisibleAsync(IReadOnlyList<PreparedChallenge> prepared, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CleanupAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        responder.Remove(host);
        return Task.CompletedTask;
    }
}
