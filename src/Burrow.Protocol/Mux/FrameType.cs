namespace Burrow.Protocol.Mux;

/// <summary>Frame types (one byte). Byte layouts are on <see cref="FrameWriter"/> and in docs/protocol.md.</summary>
internal enum FrameType : byte
{
    Data = 0x0,
    Open = 0x1,
    Accept = 0x2,
    Reset = 0x3,
    WindowUpdate = 0x4,
    Ping = 0x5,
    GoAway = 0x6,
    Health = 0x7,
}
