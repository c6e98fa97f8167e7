using Burrow.Server.Policy;

namespace Burrow.Server.Registration;

/// <summary>What registration needs to know of the channels that are live now (implemented by the channel registry).</summary>
internal interface ILiveTunnels
{
    /// <summary>Names of the user served by live channels now, not counting <paramref name="except"/> (names being re-registered).</summary>
    int CountLiveNames(long userId, IReadOnlyCollection<string> except);

    /// <summary>Every name a live channel serves now.</summary>
    IReadOnlyList<string> LiveNames();

    /// <summary>True when live channels serve <paramref name="name"/> under a different visitor policy (a pool must agree).</summary>
    bool PoolPolicyDiffers(string name, TunnelPolicy policy);
}
