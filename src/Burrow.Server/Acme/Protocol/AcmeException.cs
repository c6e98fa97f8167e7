namespace Burrow.Server.Acme.Protocol;

/// <summary>A request the CA refused (with its problem document), or an order that could not complete.</summary>
internal sealed class AcmeException : Exception
{
    public AcmeException(string message, AcmeProblem? problem = null, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Problem = problem;
        RetryAfter = retryAfter;
    }

    public AcmeProblem? Problem { get; }

    /// <summary>When the CA said to come back (Retry-After), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool IsRateLimit => Problem?.Is("rateLimited") == true;
}
