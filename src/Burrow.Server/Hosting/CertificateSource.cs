using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Hosting;

/// <summary>
/// The certificate Kestrel presents, read from PEM files and reloaded when they change on disk, so a renewal by
/// certbot (or anything that rewrites the files) needs no restart. Checked at most every
/// <see cref="BurrowServerOptions.CertificateCheckInterval"/>, on the TLS handshake path, with a file stat only.
/// </summary>
internal sealed partial class CertificateSource
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _stamp;
    private long _lastCheck;

    public CertificateSource(string certificatePath, string keyPath, TimeSpan checkInterval, TimeProvider time, ILogger logger)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _checkInterval = checkInterval;
        _time = time;
        _logger = logger;
        _stamp = Stamp();
        _current = Load();
        _lastCheck = time.GetTimestamp();
    }

    public X509Certificate2 Current
    {
        get
        {
            if (_time.GetElapsedTime(Volatile.Read(ref _lastCheck)) >= _checkInterval)
            {
                Refresh();
            }

            return _current;
        }
    }

    /// <summary>Makes (or reuses) a self-signed certificate for <paramref name="domain"/> and <c>*.domain</c>.</summary>
    public static (string Certificate, string Key) EnsureDevCertificate(string dataDirectory, string domain)
    {
        var certificatePath = Path.Combine(dataDirectory, "dev-cert.pem");
        var keyPath = Path.Combine(dataDirectory, "dev-key.pem");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            using var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(30) && existing.MatchesHostname(domain) && existing.MatchesHostname("x." + domain))
            {
                return (certificatePath, keyPath);
            }
        }

        Directory.CreateDirectory(dataDirectory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        names.AddDnsName("*." + domain);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(keyPath, keyOptions))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }

        return (certificatePath, keyPath);
    }

    private void Refresh()
    {
        lock (_lock)
        {
            if (_time.GetElapsedTime(_lastCheck) < _checkInterval)
            {
                return;
            }

            Volatile.Write(ref _lastCheck, _time.GetTimestamp());
            var stamp = Stamp();
            if (stamp == _stamp)
            {
                return;
            }

            try
            {
                _current = Load();
                _stamp = stamp;
                Log.Reloaded(_logger, _certificatePath, _current.Subject, _current.NotAfter);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException)
            {
                // Half-written files during a renewal: keep serving the old certificate and try again later.
                Log.ReloadFailed(_logger, _certificatePath, ex.Message);
            }
        }
    }

    private X509Certificate2 Load()
    {
        using var pem = X509Certificate2.CreateFromPemFile(_certificatePath, _keyPath);

        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private (DateTime, DateTime) Stamp() => (File.GetLastWriteTimeUtc(_certificatePath), File.GetLastWriteTimeUtc(_keyPath));

    private static partial class Log
    {
        [LoggerMessage(Protocol.LogEventIds.CertificateReloaded, LogLevel.Information, "Certificate {Path} loaded: {Subject}, valid until {NotAfter}")]
        public static partial void Reloaded(ILogger logger, string path, string subject, DateTime notAfter);

        [LoggerMessage(Protocol.LogEventIds.CertificateReloadFailed, LogLevel.Warning, "Certificate {Path} changed but could not be loaded (keeping the old one): {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string path, string reason);
    }
}
