using Burrow.Protocol.Registration;
using Burrow.Server.Policy;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Tests.Policy;

/// <summary>Every different basic-auth password costs a slow hash during registration: a registration may buy only so many.</summary>
public sealed class PasswordBudgetTests
{
    private static readonly PolicyCompiler Compiler = new(Options.Create(new PolicyOptions { MaxBasicAuthUsers = 3 }));

    [Fact]
    public void Different_passwords_across_names_past_the_budget_are_refused_before_any_is_hashed()
    {
        var names = Enumerable.Range(0, 4).Select(i => $"t{i}").ToArray();
        var policies = names.Select(n => (VisitorPolicy?)new VisitorPolicy(BasicAuth: [new BasicAuthUser("ann", $"pw-{n}")])).ToArray();

        var result = Compiler.Compile(policies, names, n => $"{n}.example.com");

        Assert.False(result.Succeeded);
        Assert.Contains("4 different basic-auth users and passwords", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_users_on_every_name_count_once()
    {
        var names = Enumerable.Range(0, 8).Select(i => $"t{i}").ToArray();
        var users = new[] { new BasicAuthUser("ann", "a"), new BasicAuthUser("bob", "b") };
        var policies = names.Select(_ => (VisitorPolicy?)new VisitorPolicy(BasicAuth: users)).ToArray();

        var result = Compiler.Compile(policies, names, n => $"{n}.example.com");

        Assert.True(result.Succeeded, result.Refusal);
        Assert.Equal(8, result.Policies.Count);
    }
}
