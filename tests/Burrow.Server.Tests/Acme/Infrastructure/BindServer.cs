using System.Security.Cryptography;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// A real BIND 9 (<c>named -g</c>) on a loopback port, run as the current user from a temp directory: authoritative
/// for <c>burrow.test</c> and accepting RFC 2136 updates signed with a TSIG key the test generates.
/// </summary>
internal sealed class BindServer : IAsyncDisposable
{
    public const string Zone = "burrow.test";
    public const string KeyName = "burrow-key";

    private readonly ExternalProcess _process;
    private readonly string _directory;

    private BindServer(ExternalProcess process, string directory, int port, string secret)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Secret = secret;
    }

    public int Port { get; }

    public string Secret { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The --acme-dns-tsig value.</summary>
    public string Tsig => $"{KeyName}:hmac-sha256:{Secret}";

    public string Output => _process.Output;

    public static async Task<BindServer> StartAsync()
    {
        var binary = ExternalProcess.Require("named", "bind9");
        var directory = Path.Combine(Path.GetTempPath(), "burrow-bind-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(Path.Combine(directory, "burrow.test.zone"), $"""
            $TTL 60
            @   IN SOA ns.{Zone}. hostmaster.{Zone}. 1 60 60 600 60
            @   IN NS  ns.{Zone}.
            ns  IN A   127.0.0.1
            @   IN A   127.0.0.1
            *   IN A   127.0.0.1

            """);
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Take(1)[0];
            var config = Path.Combine(directory, "named.conf");
            File.WriteAllText(config, $$"""
                options {
                    directory "{{directory}}";
                    pid-file "{{directory}}/named.pid";
                    session-keyfile "{{directory}}/session.key";
                    listen-on port {{port}} { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    dnssec-validation no;
                    notify no;
                };
                controls { };
                key "{{KeyName}}" { algorithm hmac-sha256; secret "{{secret}}"; };
                zone "{{Zone}}" { type primary; file "{{directory}}/burrow.test.zone"; allow-update { key "{{KeyName}}"; }; };
                """);
            var process = ExternalProcess.Start(binary, ["-g", "-n", "1", "-c", config], workingDirectory: directory);
            if (await process.WaitForLineAsync("running", TimeSpan.FromSeconds(20)) && !process.HasExited)
            {
                return new BindServer(process, directory, port, secret);
            }

            var output = process.Output;
            await process.DisposeAsync();
            if (!LoopbackPorts.IsConflict(output) || attempt == LoopbackPorts.Attempts)
            {
                throw new Xunit.Sdk.XunitException($"named did not start:\n{output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
