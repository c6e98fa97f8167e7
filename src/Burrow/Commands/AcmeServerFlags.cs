using System.CommandLine;

namespace Burrow.Commands;

/// <summary>The <c>--acme*</c> flags of <c>burrow server</c>, each setting one <c>Acme:</c> configuration key (issue 12).</summary>
internal sealed class AcmeServerFlags
{
    private readonly Option<bool> _enabled = new("--acme") { Description = "Get certificates automatically from an ACME CA (Let's Encrypt by default); HTTPS on 443 unless --https-port (key Acme:Enabled). See docs/acme.md." };
    private readonly Option<string?> _email = new("--acme-email") { Description = "Contact e-mail given to the CA (key Acme:Email)." };
    private readonly Option<string?> _directory = new("--acme-directory") { Description = "ACME directory URL [default: Let's Encrypt production] (key Acme:DirectoryUrl)." };
    private readonly Option<bool> _staging = new("--acme-staging") { Description = "Use Let's Encrypt's staging CA (key Acme:Staging)." };
    private readonly Option<string?> _caFile = new("--acme-ca-file") { Description = "PEM CA to trust for the ACME directory's TLS, e.g. a test CA (key Acme:CaFile)." };
    private readonly Option<string?> _challenge = new("--acme-challenge") { Description = "http-01 (port 80) or tls-alpn-01 (HTTPS port only) for per-name certificates [default: http-01] (key Acme:Challenge)." };
    private readonly Option<bool> _wildcard = new("--acme-wildcard") { Description = "One certificate for DOMAIN and *.DOMAIN through DNS-01; needs a DNS flag below (key Acme:Wildcard)." };
    private readonly Option<string?> _rfc2136 = new("--acme-dns-rfc2136") { Description = "Primary DNS server (host:port) taking RFC 2136 dynamic updates for DNS-01 (key Acme:DnsRfc2136)." };
    private readonly Option<string?> _tsig = new("--acme-dns-tsig") { Description = "TSIG key for --acme-dns-rfc2136 as name:algorithm:base64secret (key Acme:DnsTsig)." };
    private readonly Option<string?> _hook = new("--acme-dns-hook") { Description = "Executable run as 'HOOK present|cleanup FQDN VALUE' to publish the DNS-01 TXT record (key Acme:DnsHook)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _enabled, _email, _directory, _staging, _caFile, _challenge, _wildcard, _rfc2136, _tsig, _hook })
        {
            command.Options.Add(option);
        }
    }

    public void Apply(ParseResult parse, Action<string, object?> set)
    {
        if (parse.GetValue(_enabled))
        {
            set("Acme:Enabled", true);
        }

        if (parse.GetValue(_staging))
        {
            set("Acme:Staging", true);
        }

        if (parse.GetValue(_wildcard))
        {
            set("Acme:Wildcard", true);
        }

        set("Acme:Email", parse.GetValue(_email));
        set("Acme:DirectoryUrl", parse.GetValue(_directory));
        set("Acme:CaFile", parse.GetValue(_caFile));
        set("Acme:Challenge", parse.GetValue(_challenge)?.Replace("-", string.Empty, StringComparison.Ordinal));
        set("Acme:DnsRfc2136", parse.GetValue(_rfc2136));
        set("Acme:DnsTsig", parse.GetValue(_tsig));
        set("Acme:DnsHook", parse.GetValue(_hook));
    }
}
