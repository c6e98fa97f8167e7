using System.Globalization;
using Burrow.Agent.Inspection.Capture;
using Burrow.Agent.Inspection.Display;
using Microsoft.AspNetCore.Http;

namespace Burrow.Agent.Inspection.Web;

/// <summary>
/// The list filters, from query parameters: path (substring), method (comma list), status ("404", "4xx",
/// "500-599", comma list), minDuration/maxDuration (ms), header ("Name: text", "Name", or ": text" for any field,
/// request or response), tunnel (name). All must match.
/// </summary>
internal sealed class RequestFilter
{
    private string? _path;
    private HashSet<string>? _methods;
    private List<(int Low, int High)>? _statuses;
    private double? _minDuration;
    private double? _maxDuration;
    private string? _headerName;
    private string? _headerValue;
    private string? _tunnel;

    /// <summary>Parses the filters; throws <see cref="FormatException"/> naming a bad one.</summary>
    public static RequestFilter Parse(IQueryCollection query)
    {
        var filter = new RequestFilter
        {
            _path = Value(query, "path"),
            _tunnel = Value(query, "tunnel"),
            _minDuration = Number(query, "minDuration"),
            _maxDuration = Number(query, "maxDuration"),
        };
        if (Value(query, "method") is { } methods)
        {
            filter._methods = new HashSet<string>(methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
        }

        if (Value(query, "status") is { } statuses)
        {
            filter._statuses = [.. statuses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(StatusRange)];
        }

        if (Value(query, "header") is { } header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            filter._headerName = (colon < 0 ? header : header[..colon]).Trim() is { Length: > 0 } name ? name : null;
            filter._headerValue = colon < 0 ? null : header[(colon + 1)..].Trim();
        }

        return filter;
    }

    public bool Matches(CapturedExchange exchange, ByteRing ring)
    {
        if (_path is not null && !exchange.Path.Contains(_path, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (_methods is not null && !_methods.Contains(exchange.Method))
        {
            return false;
        }

        if (_statuses is not null && !_statuses.Any(s => exchange.Status >= s.Low && exchange.Status <= s.High))
        {
            return false;
        }

        var duration = exchange.Duration?.TotalMilliseconds;
        if ((_minDuration is { } min && !(duration >= min)) || (_maxDuration is { } max && !(duration <= max)))
        {
            return false;
        }

        if (_tunnel is not null && !exchange.Tunnel.Name.Equals(_tunnel, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return _headerName is null && _headerValue is null || HeaderMatches(exchange.Request, ring) || HeaderMatches(exchange.Response, ring);
    }

    private bool HeaderMatches(CapturedMessage message, ByteRing ring)
    {
        if (!message.Head.IsSealed || message.Head.Read(ring) is not { } raw)
        {
            return false;
        }

        return MessageHead.Parse(raw).Headers.Any(h =>
            (_headerName is null || h.Key.Equals(_headerName, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(_headerValue) || h.Value.Contains(_headerValue, StringComparison.OrdinalIgnoreCase)));
    }

    private static string? Value(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } value ? value : null;

    private static double? Number(IQueryCollection query, string name)
    {
        if (Value(query, name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new FormatException($"{name} must be a number of milliseconds");
    }

    private static (int, int) StatusRange(string text)
    {
        if (text.Length == 3 && char.IsAsciiDigit(text[0]) && text[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
        {
            var hundred = (text[0] - '0') * 100;
            return (hundred, hundred + 99);
        }

        var parts = text.Split('-', 2);
        if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            && (parts.Length == 1 ? low : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high) ? high : -1) is var top and >= 0)
        {
            return (low, top);
        }

        throw new FormatException($"status '{text}' is not a code (404), a class (4xx) or a range (400-499)");
    }
}
