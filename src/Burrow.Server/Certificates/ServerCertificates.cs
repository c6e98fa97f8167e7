using System.Security.Cryptography.X509Certificates;
using Burrow.Server.Naming;
using Burrow.Server.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Certificates;

/// <summary>
/// The certificate the HTTPS edge presents for a server name (SNI): the configured PEM files, or the development
/// certificate, hot-reloaded when the files change.
/// </summary>
internal sealed class ServerCertificates
{
    private readonly CertificateSource? _source;

    public ServerCertificates(IOptions<CertificateOptions> options, DataDirectory directory, PublicAddresses addresses, TimeProvider time, ILogger<CertificateSource> logger)
    {
        var settings = options.Value;
        var (certificate, key) = settings.DevCertificate
            ? DevCertificate.Ensure(directory, addresses.Domain)
            : (settings.CertificatePath, settings.CertificateKeyPath);
        if (certificate is not null && key is not null)
        {
            _source = new CertificateSource(certificate, key, settings.CertificateCheckInterval, time, logger);
        }
    }

    public bool IsConfigured => _source is not null;

    /// <summary>The certificate for <paramref name="serverName"/> (the TLS SNI), or null when none is configured.</summary>
    public X509Certificate2? Select(string? serverName) => _source?.Current;
}
