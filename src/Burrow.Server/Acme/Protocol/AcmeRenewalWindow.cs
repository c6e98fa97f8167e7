namespace Burrow.Server.Acme.Protocol;

/// <summary>The suggested renewal window of RFC 9773: renew at a random time between start and end.</summary>
internal sealed record AcmeRenewalWindow(DateTimeOffset Start, DateTimeOffset End);
