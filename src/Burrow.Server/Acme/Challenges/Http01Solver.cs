using Burrow.Server.Acme.Protocol;

namespace Burrow.Server.Acme.Challenges;

/// <summary>HTTP-01: the token is answered by <see cref="Http01ChallengeMiddleware"/> on port 80 while the order runs.</summary>
internal sealed class Http01Solver(Http01Responder responder) : IChallengeSolver
{
    public string Type => AcmeChallenge.Http01;

    public Task PrepareAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        responder.Add(host, token, keyAuthorization);
        return Task.CompletedTask;
    }

    public Task WaitUntilVisibleAsync(IReadOnlyList<PreparedChallenge> prepared, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CleanupAsync(string host, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        responder.Remove(token);
        return Task.CompletedTask;
    }
}
