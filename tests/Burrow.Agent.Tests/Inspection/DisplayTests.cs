using System.IO.Compression;
using System.Text;
using Burrow.Agent.Inspection.Display;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>How bodies are decoded and shown.</summary>
public sealed class DisplayTests
{
    private static readonly byte[] Json = "{\"a\":[1,2]}"u8.ToArray();

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    [InlineData("gzip, br")]
    public void Content_codings_are_undone_in_reverse_order(string codings)
    {
        var body = Json;
        foreach (var coding in codings.Split(", "))
        {
            body = Compress(body, coding);
        }

        var (decoded, done, error) = BodyDecoder.Decode(body, codings);
        Assert.True(done);
        Assert.Null(error);
        Assert.Equal(Json, decoded);
    }

    [Fact]
    public void A_compressed_body_cannot_expand_without_bound()
    {
        var bomb = Compress(new byte[64 * 1024 * 1024], "gzip");
        var (decoded, done, error) = BodyDecoder.Decode(bomb, "gzip");
        Assert.True(done);
        Assert.Equal(BodyDecoder.MaxDecodedSize, decoded.Length);
        Assert.Contains("cut", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_gzip_body_decodes_as_far_as_it_goes_and_garbage_is_left_alone()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i},")));
        var compressed = Compress(text, "gzip");
        var (partial, decoded, _) = BodyDecoder.Decode(compressed[..(compressed.Length / 2)], "gzip");
        Assert.True(decoded && partial.Length > 0 && partial.Length < text.Length && text.AsSpan().StartsWith(partial), "a prefix of the original");

        var (same, done, problem) = BodyDecoder.Decode("not gzip"u8.ToArray(), "gzip");
        Assert.False(done);
        Assert.Equal("not gzip"u8.ToArray(), same);
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", "{\"a\":1}", "Json", "{\n  \"a\": 1\n}")]
    [InlineData("application/problem+json", "[1]", "Json", "[\n  1\n]")]
    [InlineData("application/json", "{broken", "Json", "{broken")]
    [InlineData("application/x-www-form-urlencoded", "name=J%C3%BCrgen+X&empty=&flag", "Form", "name = Jürgen X\nempty = \nflag = ")]
    [InlineData("text/xml", "<a><b x=\"1\">t</b></a>", "Xml", "<a>\n  <b x=\"1\">t</b>\n</a>")]
    [InlineData("application/xml", "<!DOCTYPE a [<!ENTITY e \"e\">]><a>&e;</a>", "Xml", "<!DOCTYPE a [<!ENTITY e \"e\">]><a>&e;</a>")]
    [InlineData(null, "plain words\n", "Text", "plain words\n")]
    public void Bodies_are_pretty_printed_by_type_and_shown_as_sent_when_they_do_not_parse(string? contentType, string body, string kindName, string shown)
    {
        var kind = Enum.Parse<BodyKind>(kindName);
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Equal(kind, BodyFormatter.Classify(contentType, bytes));
        Assert.Equal(shown, BodyFormatter.Format(kind, bytes));
    }

    [Fact]
    public void Images_are_left_to_the_browser_and_other_binary_is_a_hex_view()
    {
        Assert.Equal(BodyKind.Image, BodyFormatter.Classify("image/png", [0x89, 0x50]));
        Assert.Null(BodyFormatter.Format(BodyKind.Image, [0x89, 0x50]));
        byte[] binary = [0, 1, 2, 0x41, 0xFF, .. new byte[20]];
        Assert.Equal(BodyKind.Binary, BodyFormatter.Classify("application/octet-stream", binary));
        var hex = BodyFormatter.HexView(binary);
        Assert.StartsWith("00000000  00 01 02 41 ff 00", hex, StringComparison.Ordinal);
        Assert.Contains("...A.", hex, StringComparison.Ordinal);
        Assert.Equal(2, hex.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(BodyKind.Empty, BodyFormatter.Classify("application/json", []));
    }

    [Fact]
    public void Head_parsing_keeps_duplicates_in_order_and_reads_utf8_or_latin1()
    {
        var head = MessageHead.Parse("\r\nHTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Name: J\u00fcrgen\r\n\r\n"u8);
        Assert.Equal("HTTP/1.1 200 OK", head.StartLine);
        Assert.Equal(("HTTP/1.1", "OK"), (head.Version, head.Reason));
        Assert.Equal(["a=1", "b=2"], head.Headers.Where(h => h.Key.Equals("set-cookie", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
        Assert.Equal("Jürgen", head.Get("x-name"));
        Assert.Equal("Jürgen", MessageHead.Parse([.. "GET / HTTP/1.1\r\nX-Name: J"u8, 0xFC, .. "rgen\r\n\r\n"u8]).Get("X-Name"));
    }

    private static byte[] Compress(byte[] data, string coding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
