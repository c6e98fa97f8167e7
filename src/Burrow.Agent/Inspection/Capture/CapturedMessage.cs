namespace Burrow.Agent.Inspection.Capture;

/// <summary>One direction of an exchange as captured: the raw head and the body (de-chunked, up to the body limit).</summary>
internal sealed class CapturedMessage
{
    public CapturedBytes Head { get; } = new();

    public CapturedBytes Body { get; } = new();

    /// <summary>Body bytes seen on the wire (after de-chunking), captured or not.</summary>
    public long BodySize { get; private set; }

    /// <summary>The body was longer than the limit, or the message ended early: <see cref="Body"/> holds only a prefix.</summary>
    public bool Truncated { get; set; }

    /// <summary>The message ended (completely or not); its bytes are readable.</summary>
    public bool IsComplete => Body.IsSealed;

    public void AppendBody(ByteRing ring, ReadOnlySpan<byte> data, int limit)
    {
        BodySize += data.Length;
        var room = limit - Body.Length;
        if (data.Length > room)
        {
            Truncated = true;
            data = data[..Math.Max(0, room)];
        }

        Body.Append(ring, data);
    }

    /// <summary>Seals head and body: from now on they are readable and take no more bytes.</summary>
    public void Finish()
    {
        Head.Seal();
        Body.Seal();
    }
}
