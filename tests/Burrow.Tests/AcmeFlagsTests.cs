using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>The --acme* flags reach the Acme:* keys: a bad one stops the real command with the key named (issue 12).</summary>
public sealed class AcmeFlagsTests : IDisposable
{
    private readonly TempDataDirectory _temp = new(create: true);

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Acme:DnsTsig", "--acme-wildcard", "--acme-dns-rfc2136", "127.0.0.1:53", "--acme-dns-tsig", "key:hmac-md4:AAAA")]
    [InlineData("Acme:DirectoryUrl", "--acme-directory", "http://insecure.example/dir")]
    [InlineData("Acme:Wildcard", "--acme-wildcard")]
    [InlineData("Acme:Enabled", "--dev-cert")]
    public async Task Bad_acme_flag_fails_fast_naming_the_key(string key, params string[] flags)
    {
        var (code, output) = await BurrowProcess.RunAsync(["server", "--data", "data", "--acme", "--acme-email", "ops@burrow.test", .. flags], null, _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains(key, output, StringComparison.Ordinal);
    }
}
