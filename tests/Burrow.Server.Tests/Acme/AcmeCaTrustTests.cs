using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Burrow.Agent;
using Burrow.Agent.Connection;
using Burrow.Server.Acme;
using Burrow.Server.Tests.Acme.Infrastructure;
using Burrow.Testing;

namespace Burrow.Server.Tests.Acme;

/// <summary>
/// Trust in a private CA's root, given as a file: the agent's <c>--ca</c> for a server whose certificate came from
/// pebble, and the server's <c>--acme-ca-file</c> for a CA whose own TLS certificate hangs off an intermediate.
/// Both leaves chain to their root only through the intermediate sent in the handshake.
/// </summary>
public sealed class AcmeCaTrustTests
{
    [Fact]
    public async Task Agent_given_pebbles_root_as_ca_trusts_the_issued_certificate_through_the_intermediate_the_server_sends()
    {
        await using var bed = await AcmeTestBed.StartAsync();
        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);
        using var files = new TempDataDirectory(create: true);
        var validation = ServerCertificateValidation.Create(new AgentOptions { CaFile = await WriteRootAsync(bed, files) })!;

        var presented = await HandshakeAsync(bed.HttpsPort, AcmeTestBed.Domain, validation);

        Assert.Contains("Pebble Intermediate", presented, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_given_another_root_as_ca_or_asking_for_another_name_refuses_the_issued_certificate()
    {
        await using var bed = await AcmeTestBed.StartAsync();
        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);
        using var files = new TempDataDirectory(create: true);
        var trustingPebble = ServerCertificateValidation.Create(new AgentOptions { CaFile = await WriteRootAsync(bed, files) })!;
        var trustingAnother = ServerCertificateValidation.Create(new AgentOptions { CaFile = bed.Pebble.TlsCaFile })!;

        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(bed.HttpsPort, AcmeTestBed.Domain, trustingAnother));
        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(bed.HttpsPort, "burrow.example", trustingPebble));
    }

    [Fact]
    public async Task Certificate_is_issued_by_a_ca_whose_tls_certificate_chains_to_the_ca_file_through_an_intermediate()
    {
        await using var bed = await AcmeTestBed.StartAsync(pebbleTlsUnderIntermediate: true);

        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);

        Assert.True(bed.Host.Logs.Contains(AcmeLogEventIds.AccountReady, "created"));
    }

    /// <summary>Pebble's issuing root (what <c>--ca</c> would name) written to a PEM file.</summary>
    private static async Task<string> WriteRootAsync(AcmeTestBed bed, TempDataDirectory files)
    {
        using var root = await bed.Pebble.RootAsync();
        var path = Path.Combine(files.Path, "pebble-root.pem");
        await File.WriteAllTextAsync(path, root.ExportCertificatePem());
        return path;
    }

    /// <summary>A TLS handshake to the server's HTTPS port for <paramref name="serverName"/>, checked by <paramref name="validation"/>; the issuer it presented.</summary>
    private static async Task<string> HandshakeAsync(int port, string serverName, RemoteCertificateValidationCallback validation)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName, RemoteCertificateValidationCallback = validation });
        return tls.RemoteCertificate!.Issuer;
    }
}
