namespace Burrow.Server.Acme.Protocol;

/// <summary>An identifier in an order or authorization (RFC 8555, section 9.7.7): type "dns" and a host name.</summary>
internal sealed record AcmeIdentifier(string Type, string Value)
{
    public static AcmeIdentifier Dns(string name) => new("dns", name);
}
