using System.CommandLine;
using System.Runtime.InteropServices;
using Burrow.Server.Hosting;

namespace Burrow.Commands;

/// <summary><c>burrow server</c>: runs the public server on the embedded defaults or a config file.</summary>
internal static class ServerCommand
{
    /// <summary>Keys that have a flag of their own (their flags' descriptions name them).</summary>
    private static readonly string[] FlagKeys =
    [
        "Domain", "ListenAddress", "HttpPort", "ChannelPort", "PublicPort", "DataDirectory", "HttpsPort", "CertificatePath",
        "CertificateKeyPath", "DevCertificate", "TrustedProxies", "Acme:Enabled", "Acme:Email", "Acme:DirectoryUrl", "Acme:Staging",
        "Acme:CaFile", "Acme:Challenge", "Acme:Wildcard", "Acme:DnsRfc2136", "Acme:DnsTsig", "Acme:DnsHook",
    ];

    public static Command Create(ShutdownSignals signals)
    {
        var config = new Option<string?>("--config")
        {
            Description = $"JSON settings file (default ./{ServerConfiguration.DefaultFile} if present), overridden by BURROW__KEY variables, overridden by flags. "
                + "Keys: the keys named below, plus " + string.Join(", ", BurrowServer.ConfigurationKeys.Except(FlagKeys).Except(ObservabilityServerFlags.Keys)) + " (docs/security.md lists every limit).",
        };
        var domain = new Option<string?>("--domain") { Description = "Base domain; tunnels are served at NAME.DOMAIN [default: localhost] (key Domain)." };
        var listen = new Option<string?>("--listen") { Description = "IP address to listen on, or * for all [default: *] (key ListenAddress)." };
        var httpPort = new Option<int?>("--http-port") { Description = "Public HTTP port [default: 8080] (key HttpPort)." };
        var channelPort = new Option<int?>("--channel-port") { Description = "Port agents open their channel to [default: 7835] (key ChannelPort)." };
        var publicPort = new Option<int?>("--public-port") { Description = "Port to put in public URLs when a proxy or NAT maps another one (key PublicPort)." };
        var data = new Option<string?>("--data") { Description = "Data directory for burrow.db [default: ./burrow-data] (key DataDirectory)." };
        var httpsPort = new Option<int?>("--https-port") { Description = "HTTPS port; needs --cert/--cert-key, --dev-cert or --acme [default: none; 8443 with --dev-cert, 443 with --acme] (key HttpsPort)." };
        var cert = new Option<string?>("--cert") { Description = "PEM certificate chain for DOMAIN and *.DOMAIN, reloaded when it changes (key CertificatePath)." };
        var certKey = new Option<string?>("--cert-key") { Description = "PEM private key for --cert (key CertificateKeyPath)." };
        var devCert = new Option<bool>("--dev-cert") { Description = "Make and reuse a self-signed certificate for DOMAIN and *.DOMAIN in the data directory (key DevCertificate)." };
        var trustProxy = new Option<string[]>("--trust-proxy") { Description = "CIDR of a load balancer whose X-Forwarded-For/-Proto to believe; repeatable (key TrustedProxies)." };
        var command = new Command("server", "Run the public Burrow server: the HTTP edge, the registration API and the channel port.")
        {
            config, domain, listen, httpPort, channelPort, publicPort, data, httpsPort, cert, certKey, devCert, trustProxy,
        };
        var acme = new AcmeServerFlags();
        acme.AddTo(command);
        var observability = new ObservabilityServerFlags();
        observability.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            Microsoft.Extensions.Configuration.IConfiguration configuration;
            try
            {
                var overrides = new Dictionary<string, string?>();
                void Set(string key, object? value)
                {
                    if (value is not null)
                    {
                        overrides[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                Set("Domain", parse.GetValue(domain));
                Set("ListenAddress", parse.GetValue(listen));
                Set("HttpPort", parse.GetValue(httpPort));
                Set("ChannelPort", parse.GetValue(channelPort));
                Set("PublicPort", parse.GetValue(publicPort));
                Set("DataDirectory", parse.GetValue(data));
                Set("HttpsPort", parse.GetValue(httpsPort));
                Set("CertificatePath", parse.GetValue(cert));
                Set("CertificateKeyPath", parse.GetValue(certKey));
                if (parse.GetValue(devCert))
                {
                    Set("DevCertificate", true);
                }

                acme.Apply(parse, Set);
                observability.Apply(parse, Set);
                var proxies = parse.GetValue(trustProxy) ?? [];
                for (var i = 0; i < proxies.Length; i++)
                {
                    Set($"TrustedProxies:{i}", proxies[i]);
                }
                configuration = ServerConfiguration.Load(parse.GetValue(config), overrides);
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail($"configuration error: {ex.Message}", 2);
            }

            BurrowServer server;
            try
            {
                server = BurrowServer.Create(configuration);
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail($"configuration error: {ex.Message}", 2);
            }

            await using var _ = server;
            try
            {
                await server.StartAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                return CommonOptions.Fail($"cannot listen: {ex.Message}", 1);
            }

            var (scheme, port) = server.HttpsPort is { } tls ? ("https", tls) : ("http", server.HttpPort);
            Console.WriteLine($"burrow server: tunnels at {scheme}://NAME.{server.Domain}:{port}, API at {scheme}://{server.Domain}:{port}/api/tunnels, channel port {server.ChannelPort}");
            if (server.AdminUrl is { } admin)
            {
                Console.WriteLine($"burrow server: admin at {admin} (dashboard, /metrics, API; 'burrow admin token create' makes a token)");
            }

            // logrotate's convention: SIGHUP reopens the access log (the file was moved away).
            using var hangup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                server.ReopenLogs();
            });
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("burrow server: stopping (GOAWAY sent to agents, draining requests)");
            await server.StopAsync(signals.Quitting);
            return signals.Quitting.IsCancellationRequested ? ShutdownSignals.InterruptedExitCode : 0;
        });
        return command;
    }
}
