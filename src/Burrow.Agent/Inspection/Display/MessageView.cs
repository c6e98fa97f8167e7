using System.Text;
using Burrow.Agent.Inspection.Capture;

namespace Burrow.Agent.Inspection.Display;

/// <summary>One captured message copied out of the ring and taken apart, for display and export.</summary>
internal sealed class MessageView
{
    private MessageView(CapturedMessage message, byte[] rawHead, byte[]? body)
    {
        RawHead = rawHead;
        Head = MessageHead.Parse(rawHead);
        Body = body;
        BodySize = message.BodySize;
        Captured = message.Body.Length;
        Truncated = message.Truncated;
        ContentType = Head.Get("Content-Type");
        ContentEncoding = Head.Get("Content-Encoding");
    }

    public byte[] RawHead { get; }

    public MessageHead Head { get; }

    /// <summary>The body as captured (still content-encoded), or null while it is still arriving.</summary>
    public byte[]? Body { get; }

    /// <summary>Body bytes that passed (more than <see cref="Body"/> holds when truncated).</summary>
    public long BodySize { get; }

    public bool Truncated { get; }

    /// <summary>Body bytes the inspector holds (<see cref="Body"/> may be only their start, for a preview).</summary>
    public int Captured { get; }

    public string? ContentType { get; }

    public string? ContentEncoding { get; }

    public string RawHeadText => Encoding.Latin1.GetString(RawHead);

    /// <summary>
    /// Reads a message; null if the ring has overwritten it. A message whose head has not arrived is empty. With
    /// <paramref name="maxBody"/>, only the start of the body is read (enough for a preview).
    /// </summary>
    public static MessageView? Read(CapturedMessage message, ByteRing ring, int maxBody = int.MaxValue)
    {
        byte[] head = [];
        if (message.Head.IsSealed && (head = message.Head.Read(ring)!) is null)
        {
            return null;
        }

        byte[]? body = null;
        if (message.Body.IsSealed && (body = message.Body.Read(ring, maxBody)) is null)
        {
            return null;
        }

        return new MessageView(message, head, body);
    }

    /// <summary>The body with its content coding undone (when it can be), for display.</summary>
    public (byte[] Body, bool Decoded, string? Error) Decoded()
        => Body is null ? ([], false, null) : BodyDecoder.Decode(Body, ContentEncoding);
}
