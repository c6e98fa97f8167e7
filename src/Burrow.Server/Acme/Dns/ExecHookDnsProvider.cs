using Burrow.Protocol;
using System.Diagnostics;

namespace Burrow.Server.Acme.Dns;

/// <summary>
/// DNS-01 through an operator's executable, run as <c>HOOK present FQDN VALUE</c> and <c>HOOK cleanup FQDN VALUE</c>
/// (FQDN without the trailing dot). Exit code 0 means done; anything else fails the step with the hook's last
/// stderr line. A hook that runs past <see cref="AcmeOptions.DnsHookTimeout"/> is killed with its children.
/// </summary>
internal sealed class ExecHookDnsProvider : IAcmeDnsProvider
{
    private readonly string _path;
    private readonly TimeSpan _timeout;

    public ExecHookDnsProvider(string path, TimeSpan timeout)
    {
        _path = path;
        _timeout = timeout;
    }

    public IReadOnlyList<DnsServerAddress> DefaultCheckServers => [];

    public Task PresentAsync(string fqdn, string value, CancellationToken cancellationToken) => RunAsync("present", fqdn, value, cancellationToken);

    public Task CleanupAsync(string fqdn, string value, CancellationToken cancellationToken) => RunAsync("cleanup", fqdn, value, cancellationToken);

    private async Task RunAsync(string verb, string fqdn, string value, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(fqdn.TrimEnd('.'));
        start.ArgumentList.Add(value);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new DnsProviderException($"DNS hook {_path} could not start: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new DnsProviderException($"DNS hook {_path} {verb} did not finish within {_timeout.TotalSeconds:0} s and was killed");
        }

        await Task.WhenAll(stdout, stderr);
        if (process.ExitCode != 0)
        {
            var lastLine = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
            throw new DnsProviderException($"DNS hook {_path} {verb} exited with {process.ExitCode}: {PeerText.Escape(lastLine, 300)}");
        }
    }
}
