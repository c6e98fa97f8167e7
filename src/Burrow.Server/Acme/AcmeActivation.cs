using Burrow.Server.Acme.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Acme;

/// <summary>Starts the certificate manager with the server, only when ACME is enabled (it then owns the account and the orders).</summary>
internal sealed class AcmeActivation : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly bool _enabled;
    private AcmeCertificateManager? _manager;

    public AcmeActivation(IServiceProvider services, IOptions<AcmeOptions> options)
    {
        _services = services;
        _enabled = options.Value.Enabled;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return Task.CompletedTask;
        }

        _manager = _services.GetRequiredService<AcmeCertificateManager>();
        return _manager.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _manager?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
