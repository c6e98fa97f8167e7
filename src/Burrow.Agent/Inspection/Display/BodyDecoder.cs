using System.IO.Compression;

namespace Burrow.Agent.Inspection.Display;

/// <summary>
/// Undoes Content-Encoding (gzip, deflate, br; RFC 9110 section 8.4) for display. Output is capped, so a small
/// compressed body cannot expand into a memory problem; a body cut at the capture limit decodes as far as it goes.
/// </summary>
internal static class BodyDecoder
{
    /// <summary>Most bytes one body decodes to for display.</summary>
    public const int MaxDecodedSize = 16 * 1024 * 1024;

    /// <summary>The decoded body, whether it was decoded, and why not (or why only partly).</summary>
    public static (byte[] Body, bool Decoded, string? Error) Decode(byte[] body, string? contentEncoding)
    {
        var codings = (contentEncoding ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(c => !c.Equals("identity", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (codings.Length == 0 || body.Length == 0)
        {
            return (body, false, null);
        }

        var current = body;
        string? error = null;

        // Codings are listed in the order they were applied, so they are undone from last to first.
        foreach (var coding in codings.Reverse())
        {
            var (decoded, problem) = coding.ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => Inflate(current, s => new GZipStream(s, CompressionMode.Decompress)),
                "br" => Inflate(current, s => new BrotliStream(s, CompressionMode.Decompress)),
                "deflate" => InflateDeflate(current),
                _ => (null, $"unknown content coding '{coding}'"),
            };
            if (decoded is null)
            {
                return (body, false, problem);
            }

            error ??= problem;
            current = decoded;
        }

        return (current, true, error);
    }

    /// <summary>"deflate" is zlib-wrapped by the RFC, but some servers send raw deflate: try both.</summary>
    private static (byte[]? Body, string? Error) InflateDeflate(byte[] body)
    {
        var zlib = Inflate(body, s => new ZLibStream(s, CompressionMode.Decompress));
        return zlib.Body is { Length: > 0 } ? zlib : Inflate(body, s => new DeflateStream(s, CompressionMode.Decompress));
    }

    private static (byte[]? Body, string? Error) Inflate(byte[] body, Func<Stream, Stream> open)
    {
        using var input = new MemoryStream(body, writable: false);
        using var output = new MemoryStream();
        using var decoder = open(input);
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = decoder.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxDecodedSize)
                {
                    output.Write(buffer, 0, (int)(MaxDecodedSize - output.Length));
                    return (output.ToArray(), $"decoded body cut at {MaxDecodedSize} bytes");
                }

                output.Write(buffer, 0, read);
            }

            return (output.ToArray(), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
        {
            return output.Length > 0 ? (output.ToArray(), "the body ends before its compressed stream does") : (null, ex.Message);
        }
    }
}
