using Burrow.Agent;

namespace Burrow.Commands;

/// <summary>What <c>burrow start</c> reads from the agent config file.</summary>
internal sealed record AgentConfigFile(List<TunnelTarget> Tunnels, bool Pool);
