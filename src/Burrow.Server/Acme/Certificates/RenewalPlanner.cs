using Burrow.Server.Acme.Protocol;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// When to renew. With ARI (RFC 9773, section 4.2): a uniformly random moment inside the CA's suggested window
/// (now, once the window has passed). Without ARI: two thirds into the validity period, which leaves a
/// third of the lifetime (30 days of Let's Encrypt's 90) for retries.
/// </summary>
internal static class RenewalPlanner
{
    public static DateTimeOffset TwoThirds(DateTimeOffset notBefore, DateTimeOffset notAfter) => notBefore + ((notAfter - notBefore) * 2 / 3);

    /// <summary>
    /// A time in the window chosen with <paramref name="random"/> in [0, 1). A window whose end has passed means
    /// "now"; a window that is not one (end before start) is ignored in favour of <paramref name="otherwise"/>.
    /// </summary>
    public static DateTimeOffset FromWindow(AcmeRenewalWindow window, DateTimeOffset now, double random, DateTimeOffset otherwise)
    {
        if (window.End <= window.Start)
        {
            return otherwise;
        }

        if (window.End <= now)
        {
            return now;
        }

        var chosen = window.Start + ((window.End - window.Start) * random);
        return chosen < now ? now : chosen;
    }

    /// <summary>When to ask the CA again (its Retry-After, kept between 1 hour and 1 day as RFC 9773 section 4.3 suggests).</summary>
    public static TimeSpan RecheckAfter(TimeSpan? retryAfter) =>
        retryAfter is { } r ? TimeSpan.FromTicks(Math.Clamp(r.Ticks, TimeSpan.FromHours(1).Ticks, TimeSpan.FromDays(1).Ticks)) : TimeSpan.FromHours(6);
}
