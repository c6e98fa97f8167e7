namespace Burrow.Agent;

/// <summary>Log event ids of the agent (4000-4099; the inspector has 4100-4199).</summary>
internal static class AgentEventIds
{
    public const int AgentOnline = 4000;
    public const int AgentReconnecting = 4001;
    public const int AgentHealthChanged = 4002;
    public const int AgentDraining = 4003;
    public const int AgentPermanentError = 4005;

    // Shutdown (issue 17): 4003 above, then 4030-4039.
    public const int AgentDrainCutShort = 4030;
    public const int AgentDrainTimedOut = 4031;
    public const int AgentStopped = 4032;
}
