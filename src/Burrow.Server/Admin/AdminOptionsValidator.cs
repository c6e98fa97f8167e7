using System.Net;
using Burrow.Server.Acme;
using Burrow.Server.Certificates;
using Burrow.Server.Channels;
using Burrow.Server.Edge;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Admin;

/// <summary>
/// The admin listener's rules: a real address and port, its own port, and no admin tokens in clear over the network:
/// an address other than loopback needs HTTPS (with the server's certificate) or an explicit AdminAllowHttp.
/// </summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    private readonly IOptions<CertificateOptions> _certificates;
    private readonly IOptions<AcmeOptions> _acme;
    private readonly IOptions<EdgeOptions> _edge;
    private readonly IOptions<ChannelOptions> _channels;

    public AdminOptionsValidator(IOptions<CertificateOptions> certificates, IOptions<AcmeOptions> acme, IOptions<EdgeOptions> edge, IOptions<ChannelOptions> channels)
    {
        _certificates = certificates;
        _acme = acme;
        _edge = edge;
        _channels = channels;
    }

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (!options.AdminEnabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (options.AdminPort is < 0 or > 65535)
        {
            return ValidateOptionsResult.Fail("AdminPort: must be 0-65535.");
        }

        if (ParseAddress(options.AdminListen) is not { } address)
        {
            return ValidateOptionsResult.Fail($"AdminListen: '{options.AdminListen}' is not an IP address, * or localhost.");
        }

        if (options.AdminPort != 0 && (options.AdminPort == _edge.Value.HttpPort || options.AdminPort == _edge.Value.HttpsPort || options.AdminPort == _channels.Value.ChannelPort))
        {
            return ValidateOptionsResult.Fail("AdminPort: must differ from HttpPort, HttpsPort and ChannelPort.");
        }

        if (options.AdminHttps && !_certificates.Value.HasCertificate && !_acme.Value.Enabled)
        {
            return ValidateOptionsResult.Fail("AdminHttps: needs the server's certificate (CertificatePath and CertificateKeyPath, DevCertificate, or Acme:Enabled).");
        }

        if (!IPAddress.IsLoopback(address) && !options.AdminHttps && !options.AdminAllowHttp)
        {
            return ValidateOptionsResult.Fail($"AdminListen: {options.AdminListen} is not a loopback address, and admin tokens must not cross the network in clear: add AdminHttps (--admin-https), or AdminAllowHttp (--admin-allow-http) behind a TLS proxy or on a trusted network.");
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>"*" is every interface (IPv6 any, dual mode); "localhost" is 127.0.0.1.</summary>
    internal static IPAddress? ParseAddress(string text) => text switch
    {
        "*" => System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any,
        _ when text.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
        _ => IPAddress.TryParse(text, out var address) ? address : null,
    };
}
