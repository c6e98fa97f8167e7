using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Burrow.Server.Acme.Challenges;

/// <summary>
/// Reads the server_name (RFC 6066, section 3) and application_layer_protocol_negotiation (RFC 7301, section 3.1)
/// extensions of a TLS ClientHello (RFC 8446, section 4.1.2). SslStream decides the certificate before it tells
/// anyone which protocols the client offered, so TLS-ALPN-01 needs this look at the raw bytes. Every length is
/// checked against what remains: a malformed hello yields false, never an exception or an out-of-range read.
/// </summary>
internal static class ClientHelloReader
{
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const ushort ServerNameExtension = 0;
    private const ushort AlpnExtension = 16;

    public static bool TryRead(ReadOnlySequence<byte> bytes, out TlsClientHello hello)
    {
        hello = new TlsClientHello(null, false);

        // A ClientHello fits in one record (at most 16 KiB plus header); Kestrel hands over at most that.
        if (bytes.Length > 5 + 16384 + 256)
        {
            return false;
        }

        if (bytes.IsSingleSegment)
        {
            return TryRead(bytes.FirstSpan, out hello);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)bytes.Length);
        try
        {
            bytes.CopyTo(buffer);
            return TryRead(buffer.AsSpan(0, (int)bytes.Length), out hello);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> record, out TlsClientHello hello)
    {
        hello = new TlsClientHello(null, false);
        var reader = new Reader(record);

        // TLSPlaintext: type, legacy_record_version, length; then the Handshake header: type, uint24 length.
        if (!reader.Byte(out var type) || type != HandshakeRecord || !reader.Skip(2) || !reader.Vector16(out var fragment))
        {
            return false;
        }

        var handshake = new Reader(fragment);
        if (!handshake.Byte(out var handshakeType) || handshakeType != ClientHelloType || !handshake.Vector24(out var body))
        {
            return false;
        }

        var message = new Reader(body);

        // legacy_version, random, legacy_session_id<0..32>, cipher_suites<2..2^16-2>, legacy_compression_methods<1..2^8-1>.
        if (!message.Skip(2 + 32) || !message.Vector8(out _) || !message.Vector16(out _) || !message.Vector8(out _))
        {
            return false;
        }

        if (message.Remaining == 0)
        {
            return true; // No extensions at all: no SNI, no ALPN.
        }

        if (!message.Vector16(out var extensions))
        {
            return false;
        }

        string? serverName = null;
        var offersAcmeTls = false;
        var list = new Reader(extensions);
        while (list.Remaining > 0)
        {
            if (!list.UInt16(out var extensionType) || !list.Vector16(out var data))
            {
                return false;
            }

            if (extensionType == ServerNameExtension && !TryReadServerName(data, out serverName))
            {
                return false;
            }

            if (extensionType == AlpnExtension && !TryReadAlpn(data, out offersAcmeTls))
            {
                return false;
            }
        }

        hello = new TlsClientHello(serverName, offersAcmeTls);
        return true;
    }

    private static bool TryReadServerName(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        var outer = new Reader(data);
        if (!outer.Vector16(out var names))
        {
            return false;
        }

        var list = new Reader(names);
        while (list.Remaining > 0)
        {
            if (!list.Byte(out var nameType) || !list.Vector16(out var name))
            {
                return false;
            }

            // host_name(0), ASCII per RFC 6066; anything else (or a second host_name) is skipped.
            if (nameType == 0 && serverName is null && name.Length is > 0 and <= 253 && Ascii.IsValid(name))
            {
                serverName = Encoding.ASCII.GetString(name).TrimEnd('.').ToLowerInvariant();
            }
        }

        return true;
    }

    private static bool TryReadAlpn(ReadOnlySpan<byte> data, out bool offersAcmeTls)
    {
        offersAcmeTls = false;
        var outer = new Reader(data);
        if (!outer.Vector16(out var protocols))
        {
            return false;
        }

        var list = new Reader(protocols);
        while (list.Remaining > 0)
        {
            if (!list.Vector8(out var protocol))
            {
                return false;
            }

            offersAcmeTls |= protocol.SequenceEqual("acme-tls/1"u8);
        }

        return true;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly int Remaining => _data.Length;

        public bool Byte(out byte value)
        {
            value = 0;
            if (_data.Length < 1)
            {
                return false;
            }

            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool UInt16(out ushort value)
        {
            value = 0;
            if (_data.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_data);
            _data = _data[2..];
            return true;
        }

        public bool Skip(int count)
        {
            if (_data.Length < count)
            {
                return false;
            }

            _data = _data[count..];
            return true;
        }

        public bool Vector8(out ReadOnlySpan<byte> vector) => Take(Byte(out var length) ? length : -1, out vector);

        public bool Vector16(out ReadOnlySpan<byte> vector) => Take(UInt16(out var length) ? length : -1, out vector);

        public bool Vector24(out ReadOnlySpan<byte> vector)
        {
            vector = default;
            if (_data.Length < 3)
            {
                return false;
            }

            var length = (_data[0] << 16) | (_data[1] << 8) | _data[2];
            _data = _data[3..];
            return Take(length, out vector);
        }

        private bool Take(int length, out ReadOnlySpan<byte> vector)
        {
            vector = default;
            if (length < 0 || _data.Length < length)
            {
                return false;
            }

            vector = _data[..length];
            _data = _data[length..];
            return true;
        }
    }
}
