using Burrow.Server.Acme;

namespace Burrow.Server.Tests.Acme;

/// <summary>Bad ACME settings stop the server at start with the key named.</summary>
public sealed class AcmeOptionsValidatorTests
{
    [Theory]
    [InlineData("Acme:DirectoryUrl", "http://ca.example/dir", null, null, null, false)]
    [InlineData("Acme:Wildcard", null, null, null, null, true)]
    [InlineData("Acme:DnsTsig", null, "127.0.0.1:53", "key:hmac-md4:AAAA", null, true)]
    [InlineData("Acme:DnsTsig", null, "127.0.0.1:53", "key:hmac-sha256:not base64!", null, true)]
    [InlineData("Acme:DnsRfc2136", null, "bad host:99999", null, null, true)]
    [InlineData("Acme:Email", null, null, null, "not an address", false)]
    public void Bad_setting_is_refused_naming_its_key(string key, string? directory, string? rfc2136, string? tsig, string? email, bool wildcard)
    {
        var options = new AcmeOptions { Enabled = true, DirectoryUrl = directory, DnsRfc2136 = rfc2136, DnsTsig = tsig, Email = email, Wildcard = wildcard };

        var result = new AcmeOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(key + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_lets_encrypt_production_with_http01_and_valid()
    {
        var options = new AcmeOptions { Enabled = true, Email = "ops@example.com" };

        Assert.True(new AcmeOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(AcmeOptions.LetsEncryptDirectory, options.EffectiveDirectoryUrl);
        Assert.Equal(AcmeChallengeType.Http01, options.Challenge);
        Assert.Equal(AcmeOptions.LetsEncryptStagingDirectory, new AcmeOptions { Staging = true }.EffectiveDirectoryUrl);
    }
}
