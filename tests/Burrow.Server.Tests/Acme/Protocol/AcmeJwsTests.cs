using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Burrow.Server.Acme.Protocol;

namespace Burrow.Server.Tests.Acme.Protocol;

/// <summary>ES256 flattened JWS, RFC 7638 thumbprints and key authorizations, against the RFCs' own examples.</summary>
public sealed class AcmeJwsTests
{
    [Fact]
    public void Rfc7638_example_thumbprint_is_reproduced()
    {
        // RFC 7638, section 3.1.
        const string N = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        var members = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = N, ["e"] = "AQAB" };

        Assert.Equal($"{{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"{N}\"}}", JwkThumbprint.CanonicalJson(members));
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwkThumbprint.Compute(members));
    }

    [Fact]
    public void Ec_jwk_lists_crv_kty_x_y_in_order_and_its_thumbprint_hashes_exactly_that()
    {
        using var key = AcmeAccountKey.Create();
        using var document = JsonDocument.Parse(key.JwkJson);

        Assert.Equal(["crv", "kty", "x", "y"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("P-256", document.RootElement.GetProperty("crv").GetString());
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key.JwkJson))), key.Thumbprint);
    }

    [Fact]
    public void Rfc7515_es256_example_signature_verifies_in_ieee_p1363_form()
    {
        // RFC 7515, appendix A.3: the JWS format of an ES256 signature is r || s, which .NET calls IEEE P1363.
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"), Y = Base64Url.DecodeFromChars("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0") },
        });
        var signingInput = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
        var signature = Base64Url.DecodeFromChars("DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q");

        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void Request_is_flattened_jws_with_jwk_for_new_accounts_and_kid_afterwards_and_verifies()
    {
        using var key = AcmeAccountKey.Create();
        var url = new Uri("https://ca.example/acme/new-order");

        var withJwk = Parse(AcmeJws.Sign(key, url, "nonce-1", null, "{\"a\":1}"u8, postAsGet: false));
        var withKid = Parse(AcmeJws.Sign(key, url, "nonce-2", "https://ca.example/acct/7", [], postAsGet: true));

        Assert.Equal("ES256", withJwk.Header.GetProperty("alg").GetString());
        Assert.Equal(key.JwkJson, withJwk.Header.GetProperty("jwk").GetRawText());
        Assert.False(withJwk.Header.TryGetProperty("kid", out _));
        Assert.Equal("nonce-1", withJwk.Header.GetProperty("nonce").GetString());
        Assert.Equal(url.AbsoluteUri, withJwk.Header.GetProperty("url").GetString());
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(withJwk.Payload)));
        Assert.True(key.Verify(Encoding.ASCII.GetBytes(withJwk.Protected + "." + withJwk.Payload), withJwk.Signature));
        Assert.Equal(64, withJwk.Signature.Length);

        Assert.Equal("https://ca.example/acct/7", withKid.Header.GetProperty("kid").GetString());
        Assert.False(withKid.Header.TryGetProperty("jwk", out _));
        Assert.Equal(string.Empty, withKid.Payload); // POST-as-GET: empty payload (RFC 8555, section 6.3).
        Assert.True(key.Verify(Encoding.ASCII.GetBytes(withKid.Protected + "."), withKid.Signature));
    }

    [Fact]
    public void Key_authorization_and_its_dns_and_tls_alpn_digests()
    {
        const string Token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
        const string Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
        var keyAuthorization = KeyAuthorization.Compute(Token, Thumbprint);

        Assert.Equal($"{Token}.{Thumbprint}", keyAuthorization);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization)), KeyAuthorization.Digest(keyAuthorization));
        Assert.Equal(Base64Url.EncodeToString(KeyAuthorization.Digest(keyAuthorization)), KeyAuthorization.DnsTxtValue(keyAuthorization));
        Assert.Equal(43, KeyAuthorization.DnsTxtValue(keyAuthorization).Length);
        Assert.True(KeyAuthorization.IsValidToken(Token));
        Assert.False(KeyAuthorization.IsValidToken("short"));
        Assert.False(KeyAuthorization.IsValidToken("../../etc/passwd/aaaaaaaaaaaaaaaaaaaaaa"));
    }

    private static (JsonElement Header, string Protected, string Payload, byte[] Signature) Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal(["protected", "payload", "signature"], root.EnumerateObject().Select(p => p.Name));
        var protectedPart = root.GetProperty("protected").GetString()!;
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(protectedPart)).RootElement.Clone();
        return (header, protectedPart, root.GetProperty("payload").GetString()!, Base64Url.DecodeFromChars(root.GetProperty("signature").GetString()!));
    }
}
