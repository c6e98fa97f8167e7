using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Burrow.Protocol.Transport;
using Burrow.Server.Acme.Certificates;
using Burrow.Server.Acme.Challenges;
using Burrow.Server.Acme.Dns;
using Burrow.Server.Acme.Protocol;
using Burrow.Server.Naming;
using Burrow.Server.Registration;
using Burrow.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Acme;

/// <summary>
/// The integration surface of automatic certificates. The host calls <see cref="AddBurrowAcme"/> when building
/// services, <see cref="AcmeTlsHandshake.Configure"/> on its HTTPS listener, <see cref="UseBurrowAcmeChallenges"/>
/// first in its pipeline, and registration calls <see cref="IOnDemandCertificates.RequestCertificate"/>.
/// </summary>
internal static class AcmeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the feature. Nothing is built until ACME is enabled and the server starts (<see cref="AcmeActivation"/>):
    /// without <c>Acme:Enabled</c> no account key is made and no CA is contacted.
    /// </summary>
    public static IServiceCollection AddBurrowAcme(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<AcmeOptions>, AcmeOptionsValidator>();
        services.AddSingleton(sp => new AcmeSettings(
            sp.GetRequiredService<IOptions<AcmeOptions>>().Value,
            sp.GetRequiredService<PublicAddresses>().Domain,
            sp.GetRequiredService<DataDirectory>().Path));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<AcmeSettings>();
            return new AcmeCertificateStore(settings.DataDirectory, new Uri(settings.Options.EffectiveDirectoryUrl));
        });
        services.AddSingleton(sp =>
        {
            var domain = sp.GetRequiredService<AcmeSettings>().Domain;
            return new AcmeCertificateSelector(domain, FallbackCertificate.Create(domain));
        });
        services.AddSingleton<Http01Responder>();
        services.AddSingleton<TlsAlpn01Responder>();
        services.AddSingleton<AcmeTlsHandshake>();
        services.AddSingleton<AcmeMetrics>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<AcmeSettings>().Options;
            return CreateClient(options, sp.GetRequiredService<AcmeCertificateStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcmeClient>>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<AcmeSettings>().Options;
            var dns = options.HasDnsProvider ? CreateDnsProvider(options, sp.GetRequiredService<TimeProvider>()) : null;
            return ActivatorUtilities.CreateInstance<AcmeCertificateManager>(sp, dns is null ? [] : [dns]);
        });
        services.AddHostedService<AcmeActivation>();
        services.AddSingleton<INameClaimListener, AcmeNameClaims>();
        return services;
    }

    /// <summary>Answers HTTP-01 challenges; put it first, before redirects and tunnel routing. A no-op without ACME.</summary>
    public static IApplicationBuilder UseBurrowAcmeChallenges(this IApplicationBuilder app)
    {
        return app.ApplicationServices.GetRequiredService<IOptions<AcmeOptions>>().Value.Enabled ? app.UseMiddleware<Http01ChallengeMiddleware>() : app;
    }

    private static IAcmeDnsProvider CreateDnsProvider(AcmeOptions options, TimeProvider time)
    {
        if (options.DnsRfc2136 is not null)
        {
            TsigKey? key = null;
            if (options.DnsTsig is not null && !TsigKey.TryParse(options.DnsTsig, out key, out var problem))
            {
                // The options validator checked it already; this only guards a change that bypassed it.
                throw new InvalidOperationException($"Acme:DnsTsig: {problem}");
            }

            return new Rfc2136DnsProvider(DnsServerAddress.Parse(options.DnsRfc2136), key, time);
        }

        return new ExecHookDnsProvider(Path.GetFullPath(options.DnsHook!), options.DnsHookTimeout);
    }

    private static AcmeClient CreateClient(AcmeOptions options, AcmeCertificateStore store, TimeProvider time, ILogger logger)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AllowAutoRedirect = false,
        };
        if (options.CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, sent, errors) => TrustedBy(roots, certificate, sent, errors);
        }

        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = 1024 * 1024 };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("burrow-acme/1");
        var key = AcmeAccountKey.LoadOrCreate(store.AccountKeyPath, out _);
        return new AcmeClient(http, new Uri(options.EffectiveDirectoryUrl), key, time, logger);
    }

    /// <summary>The CA's TLS certificate must name the host and chain to one of <paramref name="roots"/> (the --acme-ca-file), through the intermediates it sent.</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? sent, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        return PrivateRootTrust.ChainsToRoot(roots, certificate, sent);
    }
}
