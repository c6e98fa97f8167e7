using System.CommandLine;
using Burrow.Server.Hosting;

namespace Burrow.Commands;

/// <summary><c>burrow server</c>: runs the public server on the embedded defaults or a config file.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"JSON settings file (default ./{ServerConfiguration.DefaultFile} if present). Keys: the option names below in PascalCase." };
        var domain = new Option<string?>("--domain") { Description = "Base domain; tunnels are served at NAME.DOMAIN [default: localhost] (key Domain)." };
        var listen = new Option<string?>("--listen") { Description = "IP address to listen on, or * for all [default: *] (key ListenAddress)." };
        var httpPort = new Option<int?>("--http-port") { Description = "Public HTTP port [default: 8080] (key HttpPort)." };
        var channelPort = new Option<int?>("--channel-port") { Description = "Port agents open their channel to [default: 7835] (key ChannelPort)." };
        var publicPort = new Option<int?>("--public-port") { Description = "Port to put in public URLs when a proxy or NAT maps another one (key PublicPort)." };
        var data = new Option<string?>("--data") { Description = "Data directory for burrow.db [default: ./burrow-data] (key DataDirectory)." };
        var command = new Command("server", "Run the public Burrow server: the HTTP edge, the registration API and the channel port.")
        {
            config, domain, listen, httpPort, channelPort, publicPort, data,
        };

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
                options = ServerConfiguration.Load(parse.GetValue(config), overrides);
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail($"configuration error: {ex.Message}", 2);
            }

            await using var server = BurrowServer.Create(options);
            try
            {
                await server.StartAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                return CommonOptions.Fail($"cannot listen: {ex.Message}", 1);
            }

            Console.WriteLine($"burrow server: tunnels at http://NAME.{options.Domain}:{server.HttpPort}, API at http://{options.Domain}:{server.HttpPort}/api/tunnels, channel port {server.ChannelPort}");
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
