namespace Burrow.Server.Acme.Challenges;

/// <summary>Puts a challenge's answer where the CA will look, and takes it away after.</summary>
internal interface IChallengeSolver
{
    /// <summary>The challenge type this solver answers ("http-01", "tls-alpn-01", "dns-01").</summary>
    string Type { get; }

    /// <summary>Publishes the answer for <paramref name="host"/> (without "*."), before the CA is asked to validate.</summary>
    Task PrepareAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken);

    /// <summary>Returns once every prepared answer can be seen by the CA (DNS propagation); immediate for HTTP and TLS.</summary>
    Task WaitUntilVisibleAsync(IReadOnlyList<PreparedChallenge> prepared, CancellationToken cancellationToken);

    /// <summary>Removes the answer; failures are logged, never thrown (the order's result stands).</summary>
    Task CleanupAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken);
}
