using Burrow.Server.Naming;

namespace Burrow.Server.Tests.Naming;

/// <summary>Tunnel names are single DNS labels in ASCII: the label rules, IDN conversion and A-label checks, hosts to names.</summary>
public sealed class TunnelNamesTests
{
    [Theory]
    [InlineData("demo")]
    [InlineData("a")]
    [InlineData("my-app-2")]
    [InlineData("007")]
    [InlineData("xn--bcher-kva")]
    [InlineData("xn--www")]
    public void Valid_labels_are_accepted(string label) => Assert.True(TunnelNames.IsValidLabel(label));

    [Theory]
    [InlineData("")]
    [InlineData("-demo")]
    [InlineData("demo-")]
    [InlineData("Demo")]
    [InlineData("de_mo")]
    [InlineData("de.mo")]
    [InlineData("dé")]
    [InlineData("xn--a")]
    [InlineData("xn--")]
    [InlineData("xn--ls8h")]
    public void Invalid_labels_are_refused(string label) => Assert.False(TunnelNames.IsValidLabel(label));

    [Fact]
    public void Labels_may_have_63_characters_and_no_more()
    {
        Assert.True(TunnelNames.IsValidLabel(new string('a', 63)));
        Assert.False(TunnelNames.IsValidLabel(new string('a', 64)));
    }

    [Theory]
    [InlineData("demo", "demo")]
    [InlineData("  Demo ", "demo")]
    [InlineData("bücher", "xn--bcher-kva")]
    [InlineData("BÜCHER", "xn--bcher-kva")]
    [InlineData("xn--bcher-kva", "xn--bcher-kva")]
    [InlineData("münchen", "xn--mnchen-3ya")]
    public void Requested_names_are_lower_cased_and_unicode_becomes_punycode(string requested, string expected)
        => Assert.Equal(expected, TunnelNames.Normalize(requested));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a.b")]
    [InlineData("de_mo")]
    [InlineData("xn--a")]
    [InlineData("☃")]
    public void Names_that_cannot_be_a_label_normalize_to_null(string? requested) => Assert.Null(TunnelNames.Normalize(requested));

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("tunnels.example.com", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("", false)]
    [InlineData("-bad.example.com", false)]
    [InlineData("double..dot", false)]
    [InlineData("Example.com", false)]
    public void Domains_are_dot_separated_valid_labels(string domain, bool valid) => Assert.Equal(valid, TunnelNames.IsValidDomain(domain));

    [Fact]
    public void Domains_longer_than_253_characters_are_refused()
    {
        var label = new string('a', 50);
        Assert.False(TunnelNames.IsValidDomain(string.Join('.', Enumerable.Repeat(label, 5)) + ".com"));
    }

    [Theory]
    [InlineData("Demo.Example.COM.", "demo.example.com")]
    [InlineData("bücher.example.com", "xn--bcher-kva.example.com")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    public void Hosts_compare_in_lower_case_ascii_without_a_trailing_dot(string host, string ascii) => Assert.Equal(ascii, TunnelNames.ToAscii(host));

    [Theory]
    [InlineData("demo.localhost", "demo")]
    [InlineData("demo.localhost.", "demo")]
    [InlineData("DEMO.localhost", "demo")]
    [InlineData("xn--bcher-kva.localhost", "xn--bcher-kva")]
    [InlineData("localhost", null)]
    [InlineData("a.b.localhost", null)]
    [InlineData("evillocalhost", null)]
    [InlineData("demo.example.com", null)]
    [InlineData("-x.localhost", null)]
    [InlineData("xn--a.localhost", null)]
    public void The_tunnel_name_is_the_one_label_under_the_domain(string host, string? name) => Assert.Equal(name, TunnelNames.LabelOf(host, "localhost"));
}
