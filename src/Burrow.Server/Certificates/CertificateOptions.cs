namespace Burrow.Server.Certificates;

/// <summary>The certificate the HTTPS edge presents. Configuration keys are the property names.</summary>
public sealed class CertificateOptions
{
    /// <summary>PEM certificate chain (e.g. certbot's fullchain.pem for example.com and *.example.com). Reloaded when it changes.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Make (once, in the data directory) and use a self-signed certificate for the domain and its wildcard.</summary>
    public bool DevCertificate { get; set; }

    /// <summary>How often certificate files are checked for renewal (default 5 s).</summary>
    public TimeSpan CertificateCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when some certificate is configured.</summary>
    public bool HasCertificate => DevCertificate || CertificatePath is not null;
}
