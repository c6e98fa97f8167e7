using System.CommandLine;
using Burrow.Agent;

namespace Burrow.Commands;

/// <summary>The flags every agent command takes: where the server is, who we are, how to trust it, how to print.</summary>
internal sealed class AgentConnectionOptions
{
    /// <summary>A day: longer is a mistake (the server's ShutdownGracePeriod caps a drain anyway).</summary>
    private const int MaxDrainSeconds = 86_400;

    public Option<string?> Server { get; } = new("--server") { Description = "Server URL, e.g. https://example.com (or BURROW_SERVER, or 'burrow login')." };

    public Option<string?> User { get; } = new("--user") { Description = "User name (or BURROW_USER, or 'burrow login')." };

    public Option<string?> Token { get; } = new("--token") { Description = "Token from 'burrow user add' (or BURROW_TOKEN, or 'burrow login')." };

    public Option<bool> Insecure { get; } = new("--insecure") { Description = "Accept any server certificate (development servers only)." };

    public Option<string?> Ca { get; } = new("--ca") { Description = "PEM file of a CA to trust for the server's certificate." };

    public Option<bool> AllowHttp { get; } = new("--allow-http") { Description = "Allow a plain http:// server that is not on this machine (the token and channel key then travel in clear)." };

    public Option<double?> DrainTimeout { get; } = new("--drain-timeout")
    {
        Description = "Seconds requests in flight get to finish after Ctrl-C; WebSockets are closed at once, and a second Ctrl-C quits at once [default: 10].",
    };

    public Option<string> LogFormat { get; } = new("--log-format")
    {
        Description = "Output: 'live' console on a terminal, 'text' lines, or 'json' lines [default: live on a terminal, text otherwise].",
        DefaultValueFactory = _ => Console.IsOutputRedirected ? "text" : "live",
    };

    public void AddTo(Command command)
    {
        LogFormat.AcceptOnlyFromAmong("live", "text", "json");
        command.Add(Server);
        command.Add(User);
        command.Add(Token);
        command.Add(Insecure);
        command.Add(Ca);
        command.Add(AllowHttp);
        command.Add(LogFormat);
        command.Add(DrainTimeout);
    }

    public AgentOptions Build(ParseResult parse, List<TunnelTarget> tunnels, bool pool)
    {
        var credentials = AgentCredentials.Resolve(parse.GetValue(Server), parse.GetValue(User), parse.GetValue(Token));
        Uri? server = null;
        if (credentials.Server is not null && !Uri.TryCreate(credentials.Server, UriKind.Absolute, out server))
        {
            throw new AgentException(AgentExitCode.ConfigError, $"'{credentials.Server}' is not a URL.");
        }

        var options = new AgentOptions
        {
            Server = server,
            User = credentials.User,
            Token = credentials.Token,
            Tunnels = tunnels,
            Insecure = parse.GetValue(Insecure),
            CaFile = parse.GetValue(Ca),
            Pool = pool,
            AllowHttp = parse.GetValue(AllowHttp),
        };
        if (parse.GetValue(DrainTimeout) is { } drain)
        {
            options.DrainTimeout = double.IsFinite(drain) && drain is >= 0 and <= MaxDrainSeconds
                ? TimeSpan.FromSeconds(drain)
                : throw new AgentException(AgentExitCode.ConfigError, $"--drain-timeout must be a number of seconds from 0 to {MaxDrainSeconds}.");
        }

        return options.Validate();
    }
}
