using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Sdk;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// A real outside program (pebble, pebble-challtestsrv, named) started by a test on loopback: its output is kept so
/// the test can wait for its "ready" line, and it is killed on dispose. A missing binary fails the test with the
/// package to install; nothing is skipped.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private ExternalProcess(Process process)
    {
        _process = process;
    }

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    /// <summary>The full path of <paramref name="name"/> on PATH (or /usr/sbin), or a failure naming the Debian package.</summary>
    public static string Require(string name, string package)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin"]);
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new XunitException($"'{name}' is not installed; these tests run the real thing: apt-get install {package}");
    }

    public static ExternalProcess Start(string path, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var external = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => external.Add(e.Data);
        process.ErrorDataReceived += (_, e) => external.Add(e.Data);
        process.Exited += (_, _) => external._newLine.Release();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return external;
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>; false when the process exits first.</summary>
    public async Task<bool> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }

            if (_process.HasExited)
            {
                // Let the last lines arrive before judging.
                await _process.WaitForExitAsync(deadline.Token);
                return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            }

            try
            {
                await _newLine.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new XunitException($"{_process.StartInfo.FileName} did not print '{text}' within {timeout.TotalSeconds} s. Output:\n{Output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _newLine.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _newLine.Release();
        }
    }
}
