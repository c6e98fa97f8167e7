namespace Burrow.Agent.Inspection.Replay;

/// <summary>A replay that cannot be done, with the HTTP status the API answers and a message for the user.</summary>
internal sealed class ReplayException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
