using Burrow.Server.Storage;
using System.Security.Cryptography;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// The ACME account key: ECDSA P-256, so signatures are ES256 (RFC 7518, section 3.4), whose JWS form is exactly
/// .NET's IEEE P1363 fixed-field concatenation of r and s. Persisted as PKCS#8 PEM, mode 0600: losing it loses the
/// account, and anyone holding it can act as the server towards the CA.
/// </summary>
internal sealed class AcmeAccountKey : IDisposable
{
    private readonly ECDsa _key;

    private AcmeAccountKey(ECDsa key)
    {
        _key = key;
        var members = JwkThumbprint.EcMembers(key.ExportParameters(includePrivateParameters: false));
        JwkJson = JwkThumbprint.CanonicalJson(members);
        Thumbprint = JwkThumbprint.Compute(members);
    }

    /// <summary>The public key as a JWK (canonical member order), for the "jwk" header of newAccount.</summary>
    public string JwkJson { get; }

    /// <summary>The RFC 7638 thumbprint, the second half of every key authorization.</summary>
    public string Thumbprint { get; }

    public static AcmeAccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static AcmeAccountKey FromKey(ECDsa key) => new(key);

    /// <summary>Loads the key at <paramref name="path"/>, or makes one and writes it there (0600). Returns whether it existed.</summary>
    public static AcmeAccountKey LoadOrCreate(string path, out bool existed)
    {
        existed = File.Exists(path);
        if (existed)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new CryptographicException($"{path} is not an ECDSA P-256 key.");
            }

            return new AcmeAccountKey(key);
        }

        var created = Create();
        SecretFile.Write(path, created._key.ExportPkcs8PrivateKeyPem());
        return created;
    }

    /// <summary>ES256 signature of <paramref name="data"/>: 64 bytes, r then s.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();
}
