using Burrow.Protocol.Mux.FlowControl;
using Burrow.Server.Accounts;
using Burrow.Server.Acme;
using Burrow.Server.Certificates;
using Burrow.Server.Channels;
using Burrow.Server.Edge;
using Burrow.Server.Limits;
using Burrow.Server.Naming;
using Burrow.Server.Policy;
using Burrow.Server.Registration;
using Burrow.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Hosting;

/// <summary>Composes the server's features; each feature registers its own services.</summary>
public static class BurrowServiceCollectionExtensions
{
    /// <summary>Every options type bound from the server's configuration (its keys are their property names).</summary>
    internal static readonly Type[] OptionTypes =
    [
        typeof(NamingOptions), typeof(StorageOptions), typeof(LimitOptions), typeof(RegistrationOptions),
        typeof(ChannelOptions), typeof(EdgeOptions), typeof(CertificateOptions),
        typeof(PolicyOptions),
    ];

    /// <summary>Options types bound from a section of their own (keys Section:Key).</summary>
    internal static readonly IReadOnlyDictionary<string, Type> OptionSections = new Dictionary<string, Type>
    {
        ["Acme"] = typeof(AcmeOptions),
    };

    public static IServiceCollection AddBurrowServer(this IServiceCollection services, IConfiguration configuration)
    {
        ServerConfigurationKeys.Check(configuration, OptionTypes, OptionSections);
        services.AddOptions<AcmeOptions>().Bind(configuration.GetSection("Acme")).ValidateOnStart();
        Bind<NamingOptions>(services, configuration);
        Bind<StorageOptions>(services, configuration);
        Bind<LimitOptions>(services, configuration);
        Bind<RegistrationOptions>(services, configuration);
        Bind<ChannelOptions>(services, configuration);
        Bind<EdgeOptions>(services, configuration).PostConfigure<IOptions<CertificateOptions>, IOptions<AcmeOptions>>((edge, certificates, acme) =>
        {
            // --dev-cert alone means "try HTTPS locally": on 8443 unless a port was given; ACME certificates are for 443.
            if (certificates.Value.DevCertificate)
            {
                edge.HttpsPort ??= 8443;
            }
            else if (acme.Value.Enabled)
            {
                edge.HttpsPort ??= 443;
            }
        });
        Bind<CertificateOptions>(services, configuration);
        Bind<PolicyOptions>(services, configuration);
        services.AddSingleton<IValidateOptions<NamingOptions>, NamingOptionsValidator>();
        services.AddSingleton<IValidateOptions<LimitOptions>, LimitOptionsValidator>();
        services.AddSingleton(sp => new BufferBudget(sp.GetRequiredService<IOptions<LimitOptions>>().Value.EffectiveMemoryBudget));
        services.AddHostedService<MemoryReclaimer>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IValidateOptions<CertificateOptions>, CertificateOptionsValidator>();
        services.AddSingleton<IValidateOptions<EdgeOptions>, CrossFeatureOptionsValidator>();

        services.AddSingleton<PublicAddresses>();
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerCertificates>();
        services.AddSingleton(sp => AccountStore.OpenLazily(sp.GetRequiredService<DataDirectory>().Path, sp.GetRequiredService<TimeProvider>()));
        services.AddBurrowPolicy();
        services.AddBurrowRegistration();
        services.AddBurrowChannels();
        services.AddBurrowEdge();
        services.AddBurrowAcme();
        return services;
    }

    private static OptionsBuilder<T> Bind<T>(IServiceCollection services, IConfiguration configuration)
        where T : class
        => services.AddOptions<T>().Bind(configuration).ValidateOnStart();
}
