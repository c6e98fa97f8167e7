using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Burrow.Testing;

/// <summary>Keeps every log line so tests can assert that a rejection was logged with its reason.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ChangeSignal _logged = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public bool Contains(int eventId, string text) => _entries.Any(e => e.EventId == eventId && e.Message.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>Completes when an event <paramref name="eventId"/> containing <paramref name="text"/> has been logged (woken by each new entry).</summary>
    public async Task WaitForAsync(int eventId, string text, TimeSpan? timeout = null)
    {
        try
        {
            await _logged.WaitUntilAsync(() => Contains(eventId, text), timeout ?? TimeSpan.FromSeconds(10), () => string.Empty);
        }
        catch (TimeoutException)
        {
            var seen = string.Join("\n", _entries.Select(e => $"  [{e.EventId}] {e.Message}"));
            throw new Xunit.Sdk.XunitException($"No log event {eventId} containing '{text}'. Seen:\n{seen}");
        }
    }

    /// <summary>Completes when <paramref name="count"/> events <paramref name="eventId"/> have been logged (woken by each new entry).</summary>
    public Task WaitForCountAsync(int eventId, int count, TimeSpan? timeout = null)
        => _logged.WaitUntilAsync(
            () => _entries.Count(e => e.EventId == eventId) >= count,
            timeout ?? TimeSpan.FromSeconds(10),
            () => $"{_entries.Count(e => e.EventId == eventId)} of {count} log events {eventId}.");

    public void Dispose()
    {
    }

    /// <summary>Entries a person reading the log would call noise or alarm: Warning and above, or any with an exception (a stack trace).</summary>
    public IReadOnlyList<LogEntry> Loud => [.. _entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null)];

    public sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception = null);

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            provider._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
            provider._logged.Pulse();
        }
    }
}
