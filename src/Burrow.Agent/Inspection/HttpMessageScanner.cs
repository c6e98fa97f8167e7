using System.Text;

namespace Burrow.Agent.Inspection;

/// <summary>
/// Follows HTTP/1.1 message boundaries (RFC 9112) in one direction of a tunnel connection, without copying or
/// changing a byte, so the agent can show method, path, status and duration per request. Heads are collected (up to
/// 64 KiB); bodies are skipped by Content-Length or chunked framing. Anything it does not understand (an upgrade, a
/// malformed head) switches it off for the rest of the connection: it is an observer, never in the way. Raw head
/// bytes and de-chunked body bytes go to the sink as they pass, for the inspector to copy.
/// </summary>
internal sealed class HttpMessageScanner
{
    /// <summary>Longest head followed (RFC 9112 sets no limit; 64 KiB is what common servers accept and more).</summary>
    public const int MaxHeadSize = 64 * 1024;

    private readonly IHttpMessageSink _sink;
    private readonly bool _keepForwardedFor;
    private readonly bool _keepTraceParent;
    private readonly StringBuilder _line = new();
    private readonly List<string> _head = [];
    private State _state = State.Head;
    private long _remaining;
    private int _headSize;

    /// <param name="sink">Told about heads, body bytes and message ends.</param>
    /// <param name="keepForwardedFor">Also keep the X-Forwarded-For line (the inspector's client address).</param>
    /// <param name="keepTraceParent">Also keep the traceparent line (the agent's span, when tracing is on).</param>
    public HttpMessageScanner(IHttpMessageSink sink, bool keepForwardedFor = false, bool keepTraceParent = false)
    {
        _sink = sink;
        _keepForwardedFor = keepForwardedFor;
        _keepTraceParent = keepTraceParent;
    }

    private enum State
    {
        Head,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Off,
    }

    /// <summary>How the body after a head is framed, decided by the owner (a response's framing depends on its request).</summary>
    public enum BodyKind
    {
        None,
        Length,
        Chunked,
        UntilClose,
        Stop,
    }

    public void Scan(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && _state != State.Off)
        {
            switch (_state)
            {
                case State.FixedBody:
                case State.ChunkData:
                    var skip = (int)Math.Min(_remaining, data.Length);
                    _remaining -= skip;
                    _sink.OnBodyBytes(data[..skip]);
                    data = data[skip..];
                    if (_remaining == 0)
                    {
                        if (_state == State.FixedBody)
                        {
                            Complete();
                        }
                        else
                        {
                            _state = State.ChunkDataEnd;
                            _remaining = 2;
                        }
                    }

                    break;
                case State.ChunkDataEnd:
                    var crlf = (int)Math.Min(_remaining, data.Length);
                    _remaining -= crlf;
                    data = data[crlf..];
                    if (_remaining == 0)
                    {
                        _state = State.ChunkSize;
                    }

                    break;
                case State.UntilClose:
                    _sink.OnBodyBytes(data);
                    return;
                default:
                    data = ScanLine(data);
                    break;
            }
        }
    }

    /// <summary>The connection ended: a body delimited by the close is complete now.</summary>
    public void End()
    {
        if (_state == State.UntilClose)
        {
            _sink.OnMessageComplete();
        }

        _state = State.Off;
    }

    private ReadOnlySpan<byte> ScanLine(ReadOnlySpan<byte> data)
    {
        var newline = data.IndexOf((byte)'\n');
        var part = newline < 0 ? data : data[..newline];
        var consumed = newline < 0 ? data.Length : newline + 1;
        if (_state == State.Head)
        {
            _headSize += consumed;
            if (_headSize > MaxHeadSize)
            {
                _state = State.Off;
                return default;
            }

            _sink.OnHeadBytes(data[..consumed]);
        }

        if (newline >= 0 && _line.Length == 0 && IsSkippable(part))
        {
            // The common case, a whole header line in one read that framing does not depend on: no string made.
            return data[consumed..];
        }

        if (_line.Length + part.Length > MaxHeadSize)
        {
            _state = State.Off;
            return default;
        }

        _line.Append(Encoding.Latin1.GetString(part));
        if (newline < 0)
        {
            return default;
        }

        var line = _line.ToString().TrimEnd('\r');
        _line.Clear();
        OnLine(line);
        return data[(newline + 1)..];
    }

    /// <summary>
    /// A non-empty header or trailer line whose field is none of those the owner reads (RFC 9112 section 6: framing
    /// is Content-Length and Transfer-Encoding; Upgrade marks a request with no body). Start lines and chunk sizes
    /// are never skipped.
    /// </summary>
    private bool IsSkippable(ReadOnlySpan<byte> line)
    {
        if (!((_state == State.Head && _head.Count > 0) || _state == State.Trailers))
        {
            return false;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            // The blank line that ends the head (or something malformed, which the slow path deals with).
            return false;
        }

        if (_state == State.Trailers)
        {
            return true;
        }

        var name = line[..colon].TrimEnd((byte)' ');
        return !Ascii.EqualsIgnoreCase(name, "content-length"u8)
            && !Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8)
            && !Ascii.EqualsIgnoreCase(name, "upgrade"u8)
            && !(_keepForwardedFor && Ascii.EqualsIgnoreCase(name, "x-forwarded-for"u8))
            && !(_keepTraceParent && Ascii.EqualsIgnoreCase(name, "traceparent"u8));
    }

    private void OnLine(string line)
    {
        switch (_state)
        {
            case State.Head when line.Length > 0:
                _head.Add(line);
                break;
            case State.Head when _head.Count == 0:
                // Blank lines before a start line are ignored (RFC 9112 section 2.2), and are not part of any head.
                _headSize = 0;
                break;
            case State.Head:
                _headSize = 0;
                var kind = _sink.OnHead(_head);
                _head.Clear();
                StartBody(kind);
                break;
            case State.ChunkSize:
                var size = line.Split(';', 2)[0].Trim();
                if (!long.TryParse(size, System.Globalization.NumberStyles.HexNumber, null, out _remaining) || _remaining < 0)
                {
                    _state = State.Off;
                }
                else
                {
                    _state = _remaining == 0 ? State.Trailers : State.ChunkData;
                }

                break;
            case State.Trailers when line.Length == 0:
                Complete();
                break;
        }
    }

    private void StartBody(BodyKind kind)
    {
        switch (kind)
        {
            case BodyKind.None:
                Complete();
                break;
            case BodyKind.Length:
                _state = State.FixedBody;
                if (_remaining == 0)
                {
                    Complete();
                }

                break;
            case BodyKind.Chunked:
                _state = State.ChunkSize;
                break;
            case BodyKind.UntilClose:
                _state = State.UntilClose;
                break;
            default:
                _state = State.Off;
                break;
        }
    }

    /// <summary>Sets the body length for <see cref="BodyKind.Length"/>; called from <see cref="IHttpMessageSink.OnHead"/>.</summary>
    public void SetContentLength(long length) => _remaining = length;

    private void Complete()
    {
        _state = State.Head;
        _sink.OnMessageComplete();
    }

    /// <summary>The value of a header in a head, or null (names compared case-insensitively).</summary>
    public static string? Header(IReadOnlyList<string> head, string name)
    {
        for (var i = 1; i < head.Count; i++)
        {
            var colon = head[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && head[i].AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return head[i][(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
