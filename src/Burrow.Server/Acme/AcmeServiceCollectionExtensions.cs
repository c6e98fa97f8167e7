using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Burrow.Server.Acme.Certificates;
using Burrow.Server.Acme.Challenges;
using Burrow.Server.Acme.Dns;
using Burrow.Server.Acme.Protocol;
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
    /// <summary>Registers everything; throws InvalidOperationException naming the first bad <c>Acme:</c> key.</summary>
    public static IServiceCollection AddBurrowAcme(this IServiceCollection services, AcmeOptions options, string domain, string dataDirectory)
    {
        var validator = new AcmeOptionsValidator();
        var result = validator.Validate(null, options);
        if (result.Failed)
        {
            throw new InvalidOperationException(result.Failures.First());
        }

        services.AddSingleton<IValidateOptions<AcmeOptions>>(validator);
        services.AddOptions<AcmeOptions>().Configure(o => Copy(options, o)).ValidateOnStart();
        services.AddSingleton(new AcmeSettings(options, domain, dataDirectory));
        services.AddSingleton(sp => new AcmeCertificateStore(dataDirectory, new Uri(options.EffectiveDirectoryUrl)));
        services.AddSingleton(_ => new AcmeCertificateSelector(domain, FallbackCertificate.Create(domain)));
        services.AddSingleton<Http01Responder>();
        services.AddSingleton<TlsAlpn01Responder>();
        services.AddSingleton<AcmeTlsHandshake>();
        services.AddSingleton<AcmeMetrics>();
        if (options.HasDnsProvider)
        {
            services.AddSingleton(sp => CreateDnsProvider(options, sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton(sp => CreateClient(options, sp.GetRequiredService<AcmeCertificateStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcmeClient>>()));
        services.AddSingleton<AcmeCertificateManager>();
        services.AddSingleton<IOnDemandCertificates>(sp => sp.GetRequiredService<AcmeCertificateManager>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AcmeCertificateManager>());
        return services;
    }

    /// <summary>Answers HTTP-01 challenges; put it first, before redirects and tunnel routing. A no-op without ACME.</summary>
    public static IApplicationBuilder UseBurrowAcmeChallenges(this IApplicationBuilder app)
    {
        return app.ApplicationServices.GetService<Http01Responder>() is null ? app : app.UseMiddleware<Http01ChallengeMiddleware>();
    }

    private static IAcmeDnsProvider CreateDnsProvider(AcmeOptions options, TimeProvider time)
    {
        if (options.DnsRfc2136 is not null)
        {
            TsigKey? key = null;
            if (options.DnsTsig is not null)
            {
                TsigKey.TryParse(options.DnsTsig, out key, out _);
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
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(roots, certificate, errors);
        }

        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = 1024 * 1024 };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("burrow-acme/1");
        var key = AcmeAccountKey.LoadOrCreate(store.AccountKeyPath, out _);
        return new AcmeClient(http, new Uri(options.EffectiveDirectoryUrl), key, time, logger);
    }

    /// <summary>The CA's TLS certificate must name the host and chain to one of <paramref name="roots"/> (the --acme-ca-file).</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static void Copy(AcmeOptions from, AcmeOptions to)
    {
        foreach (var property in typeof(AcmeOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(to, property.GetValue(from));
        }
    }
}
