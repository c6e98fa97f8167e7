using System.Net;
using Microsoft.Extensions.Options;

namespace Burrow.Agent.Inspection;

/// <summary>The request inspector's settings (<c>--inspect</c>, <c>--inspect-body-limit</c>, <c>--inspect-buffer</c>).</summary>
public sealed class InspectorOptions
{
    /// <summary>The port tried first when no address is given; the next free one is used if it is taken.</summary>
    public const int DefaultPort = 4040;

    /// <summary>Where the inspector listens (default 127.0.0.1:4040). Port 0 picks any free port.</summary>
    public IPEndPoint Address { get; set; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>
    /// When <see cref="Address"/>'s port is taken, try the following ones (default true: the default address moves
    /// to the next free port; an address the user named is taken literally).
    /// </summary>
    public bool FallBackToNextPort { get; set; } = true;

    /// <summary>Bytes kept per request or response body (default 1 MiB); the rest is counted and marked truncated.</summary>
    public int BodyLimit { get; set; } = 1024 * 1024;

    /// <summary>Bytes of captured heads and bodies kept in all (default 64 MiB), oldest evicted first.</summary>
    public long BufferSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long a replay waits for the local server's response (default 30 s).</summary>
    public TimeSpan ReplayTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="AgentException"/> (configuration error) naming the first bad setting.</summary>
    public InspectorOptions Validate()
    {
        var result = new Validator().Validate(null, this);
        return result.Failed ? throw new AgentException(AgentExitCode.ConfigError, result.FailureMessage) : this;
    }

    /// <summary>The checks, also usable where options come from configuration (<c>ValidateOnStart</c>).</summary>
    public sealed class Validator : IValidateOptions<InspectorOptions>
    {
        public ValidateOptionsResult Validate(string? name, InspectorOptions options)
        {
            if (options.BodyLimit is < 0 or > 256 * 1024 * 1024)
            {
                return ValidateOptionsResult.Fail("--inspect-body-limit must be between 0 and 256MiB");
            }

            if (options.BufferSize < 1024 * 1024)
            {
                return ValidateOptionsResult.Fail("--inspect-buffer must be at least 1MiB");
            }

            // An exchange at both body limits, with its heads, must fit: otherwise the ring would evict it while it is captured.
            if (options.BufferSize < 2L * options.BodyLimit + 4 * HttpMessageScanner.MaxHeadSize)
            {
                return ValidateOptionsResult.Fail("--inspect-buffer must hold at least two bodies at --inspect-body-limit (plus 256KiB for heads)");
            }

            if (options.ReplayTimeout <= TimeSpan.Zero)
            {
                return ValidateOptionsResult.Fail("the replay timeout must be positive");
            }

            return ValidateOptionsResult.Success;
        }
    }
}
