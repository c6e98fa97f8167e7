namespace Burrow.Agent.Inspection;

/// <summary>Log event ids of the request inspector (4100-4199, inside the agent's 4000-4199).</summary>
internal static class InspectorEventIds
{
    public const int Listening = 4100;
    public const int PortTaken = 4101;
    public const int Replayed = 4102;
    public const int ReplayFailed = 4103;
    public const int RequestRejected = 4104;
    public const int RequestFailed = 4105;
}
