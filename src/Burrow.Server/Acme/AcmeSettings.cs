namespace Burrow.Server.Acme;

/// <summary>What the ACME feature needs from the rest of the server: its options, the base domain and the data directory.</summary>
internal sealed record AcmeSettings(AcmeOptions Options, string Domain, string DataDirectory);
