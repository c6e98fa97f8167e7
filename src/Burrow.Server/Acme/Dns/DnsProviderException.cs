namespace Burrow.Server.Acme.Dns;

/// <summary>A DNS provider that could not publish or remove a record (refused update, failed hook, unreachable server).</summary>
internal sealed class DnsProviderException(string message, Exception? inner = null) : Exception(message, inner);
