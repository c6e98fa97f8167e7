using Burrow.Server.Acme;
using Burrow.Server.Certificates;
using Burrow.Server.Channels;
using Burrow.Server.Edge;
using Burrow.Server.Limits;
using Burrow.Server.Naming;
using Burrow.Server.Policy;
using Burrow.Server.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Testing;

/// <summary>
/// How a test adjusts the server it starts: typed, per feature, applied after the test host's base configuration
/// (127.0.0.1, ports 0, a fresh data directory) is bound.
/// </summary>
public sealed class ServerSettings
{
    private readonly List<Action<IServiceCollection>> _changes = [];

    public ServerSettings Naming(Action<NamingOptions> change) => Add(change);

    public ServerSettings Edge(Action<EdgeOptions> change) => Add(change);

    public ServerSettings Channels(Action<ChannelOptions> change) => Add(change);

    public ServerSettings Registration(Action<RegistrationOptions> change) => Add(change);

    public ServerSettings Certificates(Action<CertificateOptions> change) => Add(change);

    public ServerSettings Limits(Action<LimitOptions> change) => Add(change);

    public ServerSettings Acme(Action<AcmeOptions> change) => Add(change);

    public ServerSettings Policy(Action<PolicyOptions> change) => Add(change);

    /// <summary>Any other change to the server's services.</summary>
    public ServerSettings Services(Action<IServiceCollection> change)
    {
        _changes.Add(change);
        return this;
    }

    internal void ApplyTo(IServiceCollection services)
    {
        foreach (var change in _changes)
        {
            change(services);
        }
    }

    private ServerSettings Add<T>(Action<T> change)
        where T : class
    {
        _changes.Add(services => services.PostConfigure(change));
        return this;
    }
}
