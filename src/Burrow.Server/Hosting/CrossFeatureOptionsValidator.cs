using Burrow.Server.Acme;
using Burrow.Server.Certificates;
using Burrow.Server.Channels;
using Burrow.Server.Edge;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Hosting;

/// <summary>Rules that span features: HTTPS needs a certificate, and the channel port is not a public port.</summary>
internal sealed class CrossFeatureOptionsValidator : IValidateOptions<EdgeOptions>
{
    private readonly IOptions<CertificateOptions> _certificates;
    private readonly IOptions<AcmeOptions> _acme;
    private readonly IOptions<ChannelOptions> _channels;

    public CrossFeatureOptionsValidator(IOptions<CertificateOptions> certificates, IOptions<AcmeOptions> acme, IOptions<ChannelOptions> channels)
    {
        _certificates = certificates;
        _acme = acme;
        _channels = channels;
    }

    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        if (options.HttpsPort is not null && !_certificates.Value.HasCertificate && !_acme.Value.Enabled)
        {
            return ValidateOptionsResult.Fail("HttpsPort: needs CertificatePath and CertificateKeyPath, DevCertificate, or Acme:Enabled.");
        }

        if (_acme.Value.Enabled && _certificates.Value.HasCertificate)
        {
            return ValidateOptionsResult.Fail("Acme:Enabled: choose either ACME or a certificate file (CertificatePath, DevCertificate).");
        }

        var channelPort = _channels.Value.ChannelPort;
        if (channelPort != 0 && (channelPort == options.HttpPort || channelPort == options.HttpsPort))
        {
            return ValidateOptionsResult.Fail("ChannelPort: must differ from HttpPort and HttpsPort.");
        }

        return ValidateOptionsResult.Success;
    }
}
