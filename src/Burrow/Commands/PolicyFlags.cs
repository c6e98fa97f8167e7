using System.CommandLine;
using Burrow.Agent;

namespace Burrow.Commands;

/// <summary>The visitor-policy flags of <c>burrow http</c> (docs: README, "Who can visit").</summary>
internal sealed class PolicyFlags
{
    public Option<string[]> BasicAuth { get; } = new("--basic-auth") { Description = "USER:PASSWORD a visitor must give (HTTP basic auth); repeatable. The server keeps only a hash." };

    public Option<string?> BasicAuthFile { get; } = new("--basic-auth-file") { Description = "File of USER:PASSWORD lines, as --basic-auth but out of the process list ('#' starts a comment)." };

    public Option<string[]> AllowIp { get; } = new("--allow-ip") { Description = "Network (CIDR, IPv4 or IPv6) visitors must come from; repeatable." };

    public Option<string[]> DenyIp { get; } = new("--deny-ip") { Description = "Network (CIDR) refused, even if --allow-ip allows it; repeatable." };

    public Option<string?> Oidc { get; } = new("--oidc") { Description = "Visitors sign in with this single sign-on provider of the server (burrow server's OidcProviders)." };

    public Option<string[]> OidcAllowEmail { get; } = new("--oidc-allow-email") { Description = "E-mail address admitted after sign-in; * is a wildcard (*@example.com); repeatable." };

    public Option<string[]> OidcAllowDomain { get; } = new("--oidc-allow-domain") { Description = "E-mail domain admitted after sign-in (example.com); repeatable." };

    public Option<string[]> RequestHeaderAdd { get; } = new("--request-header-add") { Description = "'Name: value' set on requests to the local server (replacing the visitor's); repeatable." };

    public Option<string[]> RequestHeaderRemove { get; } = new("--request-header-remove") { Description = "Header removed from requests to the local server; repeatable." };

    public Option<string[]> ResponseHeaderAdd { get; } = new("--response-header-add") { Description = "'Name: value' set on responses to visitors; repeatable." };

    public Option<string[]> ResponseHeaderRemove { get; } = new("--response-header-remove") { Description = "Header removed from responses to visitors; repeatable." };

    public Option<string?> HostHeader { get; } = new("--host-header") { Description = "Host the local server receives: 'preserve' (the public host), 'rewrite' (localhost:PORT), or a host of your own [default: preserve]." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { BasicAuth, BasicAuthFile, AllowIp, DenyIp, Oidc, OidcAllowEmail, OidcAllowDomain, RequestHeaderAdd, RequestHeaderRemove, ResponseHeaderAdd, ResponseHeaderRemove, HostHeader })
        {
            command.Add(option);
        }
    }

    /// <exception cref="AgentException">The --basic-auth-file cannot be read (exit code ConfigError).</exception>
    public PolicyInput Read(ParseResult parse) => new(
        [.. parse.GetValue(BasicAuth) ?? [], .. ReadBasicAuthFile(parse.GetValue(BasicAuthFile))],
        parse.GetValue(AllowIp) ?? [],
        parse.GetValue(DenyIp) ?? [],
        parse.GetValue(Oidc),
        parse.GetValue(OidcAllowEmail) ?? [],
        parse.GetValue(OidcAllowDomain) ?? [],
        parse.GetValue(RequestHeaderAdd) ?? [],
        parse.GetValue(RequestHeaderRemove) ?? [],
        parse.GetValue(ResponseHeaderAdd) ?? [],
        parse.GetValue(ResponseHeaderRemove) ?? [],
        parse.GetValue(HostHeader));

    /// <summary>
    /// The USER:PASSWORD lines of a file: passwords given as flags show in <c>ps</c> and shell history, a file (mode
    /// 0600, or a secret mounted by the service manager) does not.
    /// </summary>
    private static IEnumerable<string> ReadBasicAuthFile(string? path)
    {
        if (path is null)
        {
            return [];
        }

        try
        {
            return [.. File.ReadAllLines(path).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentException(AgentExitCode.ConfigError, $"cannot read --basic-auth-file: {ex.Message}", ex);
        }
    }
}
