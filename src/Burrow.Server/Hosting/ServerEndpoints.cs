namespace Burrow.Server.Hosting;

/// <summary>The ports actually bound (they differ from the options when those say 0), known once Kestrel started.</summary>
internal sealed class ServerEndpoints
{
    public int HttpPort { get; set; }

    public int ChannelPort { get; set; }

    public int? HttpsPort { get; set; }
}
