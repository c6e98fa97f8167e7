using Burrow.Server.Policy.SingleSignOn;

namespace Burrow.Server.Tests.Policy;

/// <summary>After sign-in the visitor goes back to the path they asked for, never to another host (no open redirect).</summary>
public sealed class SignInReturnPathTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/app/page?x=1", "/app/page?x=1")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("", "/")]
    public void Return_path_stays_on_the_tunnel_host(string asked, string redirected)
        => Assert.Equal(redirected, SignOnGate.LocalPathOrRoot(asked));
}
