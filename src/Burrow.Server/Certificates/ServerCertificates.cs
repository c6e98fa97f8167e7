using Burrow.Server.Acme;
using Burrow.Server.Acme.Certificates;
using Burrow.Server.Naming;
using Burrow.Server.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Certificates;

/// <summary>
/// The certificates the HTTPS edge presents, chosen per connection by the TLS server name (SNI): certificates ordered
/// from an ACME CA (<see cref="AcmeTlsHandshake"/>, which also answers TLS-ALPN-01), or the configured PEM files, or
/// the development certificate, hot-reloaded when the files change.
/// </summary>
internal sealed class ServerCertificates
{
    private readonly IServiceProvider _services;
    private readonly CertificateOptions _options;
    private readonly bool _acme;
    private readonly DataDirectory _directory;
    private readonly PublicAddresses _addresses;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateSource> _logger;

    public ServerCertificates(IServiceProvider services, IOptions<CertificateOptions> options, IOptions<AcmeOptions> acme, DataDirectory directory, PublicAddresses addresses, TimeProvider time, ILogger<CertificateSource> logger)
    {
        _services = services;
        _options = options.Value;
        _acme = acme.Value.Enabled;
        _directory = directory;
        _addresses = addresses;
        _time = time;
        _logger = logger;
    }

    /// <summary>Sets the HTTPS listener's certificate selection.</summary>
    public void ConfigureHttps(HttpsConnectionAdapterOptions https)
    {
        if (_acme)
        {
            _services.GetRequiredService<AcmeTlsHandshake>().Configure(https);
            return;
        }

        var (certificate, key) = _options.DevCertificate
            ? DevCertificate.Ensure(_directory, _addresses.Domain)
            : (_options.CertificatePath!, _options.CertificateKeyPath!);
        var source = new CertificateSource(certificate, key, _options.CertificateCheckInterval, _time, _logger);
        https.ServerCertificateSelector = (_, _) => source.Current;
    }
}
