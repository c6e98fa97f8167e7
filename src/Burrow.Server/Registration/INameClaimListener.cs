namespace Burrow.Server.Registration;

/// <summary>Told when a channel's names were claimed for its user (another feature, such as on-demand certificates, may act then).</summary>
internal interface INameClaimListener
{
    /// <summary>Called on the admission path: must not block.</summary>
    void OnNamesClaimed(string userName, IReadOnlyList<string> names);
}
