namespace Burrow.Protocol.Mux;

/// <summary>Frame flags (one byte). Meaning depends on the frame type; unknown flags are ignored.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1069", Justification = "Flag bits mean different things on different frame types, as in HTTP/2.")]
internal enum FrameFlags : byte
{
    None = 0x0,

    /// <summary>On DATA: the sender will send no more data on this stream (half-close).</summary>
    EndStream = 0x1,

    /// <summary>On PING: this is the answer.</summary>
    Ack = 0x1,
}
