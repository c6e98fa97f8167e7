namespace Burrow.BenchTools.Hostile;

/// <param name="ExpectedStreams">Stop reading once this many streams were accepted.</param>
/// <param name="AcceptWindow">...or this long after the first OPEN, whichever comes first.</param>
/// <param name="Hold">How long to stay connected, not reading, before giving up on being cut off.</param>
/// <param name="ReadBytesPerSecond">Reading pace while accepting: just enough to see every OPEN in time.</param>
internal sealed record HostileAgentSettings(
    Uri Server,
    string User,
    string Token,
    string Name,
    int ExpectedStreams,
    TimeSpan AcceptWindow,
    TimeSpan Hold,
    long ReadBytesPerSecond);
