using Burrow.Agent;

namespace Burrow.Output;

/// <summary>An agent observer that owns a screen or stream and must be closed.</summary>
internal interface IAgentOutput : IAgentObserver, IAsyncDisposable;
