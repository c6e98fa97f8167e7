using System.CommandLine;
using System.Net;
using Burrow.Agent;
using Burrow.Agent.Inspection;

namespace Burrow.Commands;

/// <summary>The request inspector's flags, shared by <c>burrow http</c> and <c>burrow start</c>.</summary>
internal sealed class InspectorFlags
{
    public Option<string> Inspect { get; } = new("--inspect")
    {
        Description = "Request inspector address (HOST:PORT, or PORT on 127.0.0.1), or 'off' [default: 127.0.0.1:4040, or the next free port].",
    };

    public Option<string> BodyLimit { get; } = new("--inspect-body-limit")
    {
        Description = "Bytes the inspector keeps per request or response body, e.g. 512KiB [default: 1MiB].",
    };

    public Option<string> Buffer { get; } = new("--inspect-buffer")
    {
        Description = "Bytes the inspector keeps in all, oldest evicted first, e.g. 128MiB [default: 64MiB].",
    };

    public void AddTo(Command command)
    {
        command.Add(Inspect);
        command.Add(BodyLimit);
        command.Add(Buffer);
    }

    /// <summary>The inspector's options, or null for <c>--inspect off</c>.</summary>
    /// <exception cref="AgentException">A flag that does not parse.</exception>
    public InspectorOptions? Build(ParseResult parse)
    {
        var options = new InspectorOptions();
        var address = parse.GetValue(Inspect);
        if (address is not null)
        {
            if (address.Equals("off", StringComparison.OrdinalIgnoreCase) || address.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            options.Address = ParseAddress(address);
            options.FallBackToNextPort = false;
        }

        if (parse.GetValue(BodyLimit) is { } limit)
        {
            options.BodyLimit = (int)Math.Min(int.MaxValue, Size(limit, "--inspect-body-limit"));
        }

        if (parse.GetValue(Buffer) is { } buffer)
        {
            options.BufferSize = Size(buffer, "--inspect-buffer");
        }

        return options.Validate();
    }

    internal static IPEndPoint ParseAddress(string text)
    {
        if (int.TryParse(text, out var port) && port is >= 0 and <= 65535)
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        return IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal) && endpoint.Port is >= 0 and <= 65535
            ? endpoint
            : throw new AgentException(AgentExitCode.ConfigError, $"--inspect '{text}' is not an address: use HOST:PORT with an IP address (127.0.0.1:4040), a port, or 'off'");
    }

    private static long Size(string text, string flag)
        => ByteSize.TryParse(text, out var bytes) ? bytes : throw new AgentException(AgentExitCode.ConfigError, $"{flag} '{text}' is not a size: use bytes or a unit, e.g. 512KiB, 64MiB");
}
