using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Certificates;

/// <summary>
/// The certificate Kestrel presents, read from PEM files and reloaded when they change on disk, so a renewal by
/// certbot (or anything that rewrites the files) needs no restart. Checked at most every
/// <see cref="CertificateOptions.CertificateCheckInterval"/>, on the TLS handshake path, with a file stat only.
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
        [LoggerMessage(ServerEventIds.CertificateReloaded, LogLevel.Information, "Certificate {Path} loaded: {Subject}, valid until {NotAfter}")]
        public static partial void Reloaded(ILogger logger, string path, string subject, DateTime notAfter);

        [LoggerMessage(ServerEventIds.CertificateReloadFailed, LogLevel.Warning, "Certificate {Path} changed but could not be loaded (keeping the old one): {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string path, string reason);
    }
}
