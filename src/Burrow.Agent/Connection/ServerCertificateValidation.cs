using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Burrow.Protocol.Transport;

namespace Burrow.Agent.Connection;

/// <summary>
/// How the agent checks the server's certificate: as a browser would by default; against an extra CA with
/// <c>--ca</c>; not at all with <c>--insecure</c> (development servers only).
/// </summary>
internal static class ServerCertificateValidation
{
    public static RemoteCertificateValidationCallback? Create(AgentOptions options)
    {
        if (options.Insecure)
        {
            // Explicit opt-in (--insecure) for a development server's self-signed certificate.
#pragma warning disable CA5359
            return static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        if (options.CaFile is null)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(options.CaFile);
        return (_, certificate, sent, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            // Issued under an intermediate the server sends (every ACME CA does): PrivateRootTrust uses it.
            return PrivateRootTrust.ChainsToRoot(authorities, certificate, sent);
        };
    }
}
