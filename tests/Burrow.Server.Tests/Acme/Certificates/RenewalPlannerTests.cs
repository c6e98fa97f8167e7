using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Burrow.Server.Acme.Certificates;
using Burrow.Server.Acme.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Acme.Certificates;

/// <summary>
/// When to renew. Pebble 2.4 offers no renewalInfo, so the ARI window logic (RFC 9773) is tested here on its own;
/// the fallback (two thirds of the lifetime) is also exercised end to end by the renewal test against pebble.
/// </summary>
public sealed class RenewalPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_ari_renewal_is_two_thirds_into_the_lifetime()
    {
        Assert.Equal(Now.AddDays(60), RenewalPlanner.TwoThirds(Now, Now.AddDays(90)));
    }

    [Fact]
    public void Ari_window_picks_a_time_inside_the_window_scaled_by_the_random_draw()
    {
        var window = new AcmeRenewalWindow(Now.AddDays(10), Now.AddDays(12));

        Assert.Equal(window.Start, RenewalPlanner.FromWindow(window, Now, 0.0, Now.AddDays(60)));
        Assert.Equal(Now.AddDays(11), RenewalPlanner.FromWindow(window, Now, 0.5, Now.AddDays(60)));
        Assert.True(RenewalPlanner.FromWindow(window, Now, 0.999, Now.AddDays(60)) < window.End);
    }

    [Fact]
    public void Ari_window_already_open_or_passed_means_now_and_an_inverted_window_is_ignored()
    {
        Assert.Equal(Now, RenewalPlanner.FromWindow(new AcmeRenewalWindow(Now.AddDays(-3), Now.AddDays(-1)), Now, 0.5, Now.AddDays(60)));
        Assert.Equal(Now, RenewalPlanner.FromWindow(new AcmeRenewalWindow(Now.AddDays(-2), Now.AddDays(1)), Now, 0.1, Now.AddDays(60)));
        Assert.Equal(Now.AddDays(60), RenewalPlanner.FromWindow(new AcmeRenewalWindow(Now.AddDays(5), Now.AddDays(4)), Now, 0.5, Now.AddDays(60)));
    }

    [Fact]
    public void Ari_recheck_follows_retry_after_within_one_hour_and_one_day()
    {
        Assert.Equal(TimeSpan.FromHours(1), RenewalPlanner.RecheckAfter(TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromHours(3), RenewalPlanner.RecheckAfter(TimeSpan.FromHours(3)));
        Assert.Equal(TimeSpan.FromDays(1), RenewalPlanner.RecheckAfter(TimeSpan.FromDays(30)));
        Assert.Equal(TimeSpan.FromHours(6), RenewalPlanner.RecheckAfter(null));
    }

    [Fact]
    public void Ari_certificate_id_matches_the_rfc9773_example()
    {
        // RFC 9773, section 4.1: AKI keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4, serial 00:87:65:43:21.
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = new CertificateRequest("CN=issuer", issuerKey, HashAlgorithmName.SHA256);
        issuer.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var issuerCertificate = issuer.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leaf = new CertificateRequest("CN=leaf", leafKey, HashAlgorithmName.SHA256);
        leaf.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(Convert.FromHexString("69885B6B87464041E1B37B847BA0AE2CDE01C8D4")));
        using var certificate = leaf.Create(issuerCertificate, Now.AddDays(-1), Now.AddDays(10), Convert.FromHexString("0087654321"));

        Assert.Equal("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", AcmeCertificateId.Of(certificate));
    }

    [Fact]
    public void On_demand_limits_hold_per_user_and_per_server_and_free_up_after_an_hour()
    {
        var time = new FakeTimeProvider(Now);
        var limiter = new OnDemandRateLimiter(perUser: 2, perServer: 3, time);

        Assert.True(limiter.TryAcquire("alice"));
        Assert.True(limiter.TryAcquire("alice"));
        Assert.False(limiter.TryAcquire("alice"));
        Assert.True(limiter.TryAcquire("bob"));
        Assert.False(limiter.TryAcquire("carol")); // The server's 3 are used up.

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.TryAcquire("carol"));
        Assert.True(limiter.TryAcquire("alice"));
    }
}
