using System.Net.Sockets;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Registration;
using Burrow.Protocol.Transport;
using Microsoft.Extensions.Logging;

namespace Burrow.Agent.Connection;

/// <summary>Opens the channel: TCP to the port registration named, the handshake, then a running <see cref="MuxConnection"/>.</summary>
internal static class ChannelDialer
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static async Task<AgentMuxConnection> ConnectAsync(AgentOptions options, RegistrationResponse registration, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!ChannelTicket.TryParse(registration.Id, registration.Key, out var ticket) || ticket is null)
        {
            throw new AgentException(AgentExitCode.Failure, "The server's registration answer carries a malformed id or key.", isPermanent: false);
        }

        var host = options.Server!.IdnHost;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            await socket.ConnectAsync(host, registration.Port, timeout.Token);
            var transport = new SocketTransport(socket, waitForData: false);
            ChannelKeys keys;
            try
            {
                keys = await ChannelHandshake.ConnectAsync(transport, ticket, timeout.Token);
            }
            catch (Exception ex)
            {
                await transport.DisposeAsync();
                throw ex switch
                {
                    HandshakeException { Failure: HandshakeFailure.Busy } busy => new AgentException(AgentExitCode.ServerUnreachable, $"Rate limited: {busy.Message}", busy, isPermanent: false),
                    HandshakeException refused => new AgentException(AgentExitCode.Failure, refused.Message, refused, isPermanent: false),
                    _ => ex,
                };
            }

            return new AgentMuxConnection(transport, keys, options.Mux, logger, time, $"{host}:{registration.Port}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new AgentException(AgentExitCode.ServerUnreachable, $"Cannot open the channel to {host}:{registration.Port}: {ex.Message}", ex, isPermanent: false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
