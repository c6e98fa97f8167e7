namespace Burrow.Agent.Inspection;

/// <summary>
/// What an <see cref="HttpMessageScanner"/> reports while it follows one direction of a connection. Spans are only
/// valid during the call: a sink that keeps bytes copies them.
/// </summary>
internal interface IHttpMessageSink
{
    /// <summary>
    /// A head is complete: the start line, then the header lines the scanner keeps (framing, and the client address
    /// when asked). Returns how the body that follows is framed.
    /// </summary>
    HttpMessageScanner.BodyKind OnHead(IReadOnlyList<string> head);

    /// <summary>Raw bytes of a head (start line to the blank line), reported before <see cref="OnHead"/> is called.</summary>
    void OnHeadBytes(ReadOnlySpan<byte> bytes);

    /// <summary>Body content as it goes by, with chunked framing removed.</summary>
    void OnBodyBytes(ReadOnlySpan<byte> bytes);

    /// <summary>A message (head and body) is complete.</summary>
    void OnMessageComplete();
}
