using Burrow.Server.Acme.Certificates;
using Burrow.Server.Naming;
using Burrow.Server.Registration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Acme;

/// <summary>
/// On-demand certificates follow name claims: when a channel's names are claimed (its channel arrived, so the
/// registration was real), a certificate is ordered for each; never for a name nobody claimed, nor for an arbitrary SNI.
/// </summary>
internal sealed class AcmeNameClaims : INameClaimListener
{
    private readonly IServiceProvider _services;
    private readonly PublicAddresses _addresses;
    private readonly bool _enabled;

    public AcmeNameClaims(IServiceProvider services, PublicAddresses addresses, IOptions<AcmeOptions> options)
    {
        _services = services;
        _addresses = addresses;
        _enabled = options.Value.Enabled;
    }

    public void OnNamesClaimed(string userName, IReadOnlyList<string> names)
    {
        if (!_enabled)
        {
            return;
        }

        var manager = _services.GetRequiredService<AcmeCertificateManager>();
        foreach (var name in names)
        {
            manager.RequestCertificate(_addresses.HostOf(name), userName);
        }
    }
}
