using System.CommandLine;
using Burrow.Server.Hosting;

namespace Burrow.Commands;

/// <summary><c>burrow server</c>: runs the public server on the embedded defaults or a config file.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = $"JSON settings file (default ./{ServerConfiguration.DefaultFile} if present), overridden by BURROW__KEY variables, overridden by flags. "
                + "Keys: the keys named below, plus RegistrationLifetime, HandshakeTimeout, ReservedNames, RegistrationsPerMinute, ChannelConnectionsPerMinute, "
                + "ShutdownGracePeriod, MaxRequestHeadersSize, MaxRequestLineSize, CertificateCheckInterval, Mux:MaxConcurrentStreams, Mux:MaxFramePayloadSize, "
                + "Mux:ConnectionWindowSize, Mux:MaxStreamWindowSize, Mux:StreamSendBufferSize, Mux:KeepAliveInterval, Mux:KeepAliveMissedIntervals, Mux:OpenTimeout (docs/protocol.md).",
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
        var acme = new AcmeServerFlags(); // ACME (issue 12)
        acme.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            BurrowServerOptions options;
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

                Set(nameof(BurrowServerOptions.Domain), parse.GetValue(domain));
                Set(nameof(BurrowServerOptions.ListenAddress), parse.GetValue(listen));
                Set(nameof(BurrowServerOptions.HttpPort), parse.GetValue(httpPort));
                Set(nameof(BurrowServerOptions.ChannelPort), parse.GetValue(channelPort));
                Set(nameof(BurrowServerOptions.PublicPort), parse.GetValue(publicPort));
                Set(nameof(BurrowServerOptions.DataDirectory), parse.GetValue(data));
                Set(nameof(BurrowServerOptions.HttpsPort), parse.GetValue(httpsPort));
                Set(nameof(BurrowServerOptions.CertificatePath), parse.GetValue(cert));
                Set(nameof(BurrowServerOptions.CertificateKeyPath), parse.GetValue(certKey));
                if (parse.GetValue(devCert))
                {
                    Set(nameof(BurrowServerOptions.DevCertificate), true);
                }

                acme.Apply(parse, Set); // ACME (issue 12)
                var proxies = parse.GetValue(trustProxy) ?? [];
                for (var i = 0; i < proxies.Length; i++)
                {
                    Set($"{nameof(BurrowServerOptions.TrustedProxies)}:{i}", proxies[i]);
                }
                options = ServerConfiguration.Load(parse.GetValue(config), overrides);
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail($"configuration error: {ex.Message}", 2);
            }

            BurrowServer server;
            try
            {
                server = BurrowServer.Create(options);
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
            Console.WriteLine($"burrow server: tunnels at {scheme}://NAME.{options.Domain}:{port}, API at {scheme}://{options.Domain}:{port}/api/tunnels, channel port {server.ChannelPort}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("burrow server: stopping (GOAWAY sent to agents, draining requests)");
            await server.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }
}
