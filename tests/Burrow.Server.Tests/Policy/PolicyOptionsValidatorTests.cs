using Burrow.Server.Policy;
using Burrow.Testing;

namespace Burrow.Server.Tests.Policy;

/// <summary>Bad visitor-policy settings of the operator stop the server at start with the key named.</summary>
public sealed class PolicyOptionsValidatorTests
{
    public static TheoryData<Action<PolicyOptions>, string> Bad => new()
    {
        { o => o.DenyIps = ["10.0.0.1/8"], "DenyIps: '10.0.0.1/8' is not a network in CIDR notation" },
        { o => o.MaxPolicyRules = 0, "MaxPolicyRules:" },
        { o => o.MaxBasicAuthUsers = 0, "MaxBasicAuthUsers:" },
        { o => o.BasicAuthFailuresPerMinute = 0, "BasicAuthFailuresPerMinute:" },
        { o => o.OidcSessionLifetime = TimeSpan.Zero, "OidcSessionLifetime: must be positive" },
        { o => o.OidcProviders.Add(Provider(name: "Corp")), "OidcProviders:0:Name: 'Corp' must be lower-case" },
        { o => o.OidcProviders.AddRange([Provider(), Provider()]), "OidcProviders:1:Name: 'corp' is configured twice." },
        { o => o.OidcProviders.Add(Provider(issuer: "http://login.example.com/")), "OidcProviders:0:Issuer: 'http://login.example.com/' must be an https:// URL (http:// only on a loopback address)." },
        { o => o.OidcProviders.Add(Provider(issuer: "not a url")), "OidcProviders:0:Issuer:" },
        { o => o.OidcProviders.Add(Provider(clientId: " ")), "OidcProviders:0:ClientId: must not be empty." },
        { o => o.OidcProviders.Add(Provider(clientSecret: "")), "OidcProviders:0:ClientSecret: must not be empty." },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_setting_is_refused_naming_its_key(Action<PolicyOptions> configure, string expected)
    {
        var options = new PolicyOptions();
        configure(options);

        var result = new PolicyOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_and_https_or_loopback_issuers_are_valid()
    {
        var options = new PolicyOptions();
        options.OidcProviders.Add(Provider());
        options.OidcProviders.Add(Provider(name: "local", issuer: "http://127.0.0.1:5000/"));
        options.OidcProviders.Add(Provider(name: "dev", issuer: "http://localhost:5000/"));

        Assert.True(new PolicyOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task A_server_with_a_bad_provider_does_not_start_and_names_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TunnelTestHost.StartAsync(s => s.Policy(o => o.OidcProviders.Add(Provider(clientSecret: "")))));

        Assert.Contains("OidcProviders:0:ClientSecret: must not be empty.", error.Message, StringComparison.Ordinal);
    }

    private static OidcProviderOptions Provider(string name = "corp", string issuer = "https://login.example.com/", string clientId = "burrow", string clientSecret = "secret")
        => new() { Name = name, Issuer = issuer, ClientId = clientId, ClientSecret = clientSecret };
}
