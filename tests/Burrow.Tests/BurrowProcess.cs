using System.Collections.Concurrent;
using System.Diagnostics;
using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>The real <c>burrow</c> command as a child process, with its output captured line by line.</summary>
internal sealed class BurrowProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ChangeSignal _changed = new();
    private int _openOutputs = 2;

    private BurrowProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data, prefix: string.Empty);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data, prefix: "stderr: ");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> Lines => _lines;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static BurrowProcess Start(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "burrow.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "BURROW_SERVER", "BURROW_USER", "BURROW_TOKEN" })
        {
            info.Environment.Remove(name);
        }

        // Servers started by tests run side by side: their admin listeners take a free port unless a test names one
        // (the default, 9090, would be shared by all of them).
        info.Environment["BURROW__ADMINPORT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        return new BurrowProcess(Process.Start(info)!);
    }

    /// <summary>Runs to completion (bounded) and returns the exit code and all output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        await using var process = Start(arguments, environment, workingDirectory);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, string.Join('\n', process.Lines));
    }

    /// <summary>
    /// The <paramref name="occurrence"/>-th line of output that matches (woken by each line); throws when the process
    /// closes its output first, or after <paramref name="timeout"/>.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan? timeout = null, int occurrence = 1)
    {
        try
        {
            await _changed.WaitUntilAsync(
                () => _lines.Count(predicate) >= occurrence || Volatile.Read(ref _openOutputs) == 0,
                timeout ?? TimeSpan.FromSeconds(30),
                () => "no matching line");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching line. Output:\n{string.Join('\n', _lines)}");
        }

        if (_lines.Where(predicate).ElementAtOrDefault(occurrence - 1) is { } line)
        {
            return line;
        }

        await _process.WaitForExitAsync();
        throw new InvalidOperationException($"burrow exited ({_process.ExitCode}) first. Output:\n{string.Join('\n', _lines)}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private void OnOutput(string? line, string prefix)
    {
        if (line is null)
        {
            // End of this output: the process is gone (or closed it).
            Interlocked.Decrement(ref _openOutputs);
        }
        else
        {
            _lines.Enqueue(prefix + line);
        }

        _changed.Pulse();
    }

    /// <summary>SIGKILL: no goodbye, as when a laptop loses power.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate() => Signal("-TERM");

    /// <summary>SIGINT, as Ctrl-C in a terminal.</summary>
    public void Interrupt() => Signal("-INT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
