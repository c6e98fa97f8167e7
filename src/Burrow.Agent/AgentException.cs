namespace Burrow.Agent;

/// <summary>A failure the agent reports to the user; <see cref="IsPermanent"/> ones stop it instead of retrying.</summary>
public sealed class AgentException : Exception
{
    public AgentException(AgentExitCode exitCode, string message, Exception? innerException = null, bool isPermanent = true)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        IsPermanent = isPermanent;
    }

    public AgentExitCode ExitCode { get; }

    public bool IsPermanent { get; }
}
