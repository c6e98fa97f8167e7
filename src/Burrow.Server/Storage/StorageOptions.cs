namespace Burrow.Server.Storage;

/// <summary>Where the server keeps its state (configuration key <c>DataDirectory</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>Directory for burrow.db, certificates and keys (default ./burrow-data). Made 0700; files in it 0600.</summary>
    public string DataDirectory { get; set; } = "burrow-data";
}
