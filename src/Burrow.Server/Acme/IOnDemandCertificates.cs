namespace Burrow.Server.Acme;

/// <summary>
/// The on-demand entry point: registration calls it when a user claims a name, so a certificate for that name is
/// ordered then, and never because some visitor sent an arbitrary SNI.
/// </summary>
internal interface IOnDemandCertificates
{
    /// <summary>Queues an order for <paramref name="host"/> (NAME.domain) on behalf of <paramref name="userName"/>; never blocks.</summary>
    OnDemandResult RequestCertificate(string host, string userName);
}
