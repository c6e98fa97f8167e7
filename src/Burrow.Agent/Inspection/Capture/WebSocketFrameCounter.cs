namespace Burrow.Agent.Inspection.Capture;

/// <summary>
/// Counts WebSocket messages in one direction of an upgraded connection by following frame headers (RFC 6455
/// section 5.2) and skipping payloads; nothing is copied. A message is a data frame (text, binary or continuation)
/// with FIN set; control frames (close, ping, pong) are not messages.
/// </summary>
internal sealed class WebSocketFrameCounter
{
    private readonly byte[] _header = new byte[14];
    private int _headerLength;
    private long _payloadLeft;
    private long _messages;
    private long _bytes;

    /// <summary>Complete messages seen.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>All bytes seen after the upgrade.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Count(ReadOnlySpan<byte> data)
    {
        Interlocked.Add(ref _bytes, data.Length);
        while (!data.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, data.Length);
                _payloadLeft -= skip;
                data = data[skip..];
                continue;
            }

            _header[_headerLength++] = data[0];
            data = data[1..];
            if (_headerLength >= 2 && _headerLength == HeaderLength())
            {
                OnHeader();
            }
        }
    }

    private int HeaderLength()
    {
        var length = (_header[1] & 0x7F) switch
        {
            126 => 4,
            127 => 10,
            _ => 2,
        };
        return length + ((_header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void OnHeader()
    {
        var fin = (_header[0] & 0x80) != 0;
        var opcode = _header[0] & 0x0F;
        _payloadLeft = (_header[1] & 0x7F) switch
        {
            126 => (_header[2] << 8) | _header[3],
            127 => (long)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)) & long.MaxValue),
            var small => small,
        };
        if (fin && opcode <= 2)
        {
            Interlocked.Increment(ref _messages);
        }

        _headerLength = 0;
    }
}
