using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Burrow.Testing;

/// <summary>
/// A local server that behaves like a web developer's dev server (Vite, Next.js, webpack-dev-server) where it matters
/// for the tunnel: a page whose script opens a WebSocket to /hmr and writes everything that happens on it into the
/// DOM (<c>#log</c>: "open", "message: TEXT", "close CODE"), updates pushed from the server side
/// (<see cref="PushAsync"/>), and requests that take as long as the test says (/slow?id=ID until <see cref="Release"/>).
/// Like Vite's client, the page runs a module (/main.js, "module: VERSION") and fetches it again when told
/// "update /main.js" (a file saved: <see cref="SaveAsync"/>; "failed to reload /main.js" when that fetch fails), and
/// once its socket closes it polls with a WebSocket of protocol "hmr-ping" until one opens, then reloads the page.
/// Real Kestrel on 127.0.0.1, port 0.
/// </summary>
public sealed class DevServerTestApp : IAsyncDisposable
{
    /// <summary>The page: every WebSocket event becomes an &lt;li&gt; in #log, so a browser test can wait for it.</summary>
    public const string Page = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>dev server</title></head>
        <body>
        <ul id="log"></ul>
        <script>
        const log = text => {
          const item = document.createElement('li');
          item.textContent = text;
          document.getElementById('log').appendChild(item);
        };
        const run = path => import(path + '?t=' + Date.now()).then(
          module => log('module: ' + module.default),
          () => log('failed to reload ' + path));
        const url = `ws://${location.host}/hmr`;
        run('/main.js');
        const socket = new WebSocket(url);
        socket.onopen = () => log('open');
        socket.onmessage = event => {
          log('message: ' + event.data);
          if (event.data.startsWith('update /')) {
            run(event.data.substring('update '.length));
          }
        };
        socket.onclose = event => {
          log('close ' + event.code);
          // As Vite's client does: wait until the dev server answers a WebSocket again, then reload.
          const ping = () => {
            const probe = new WebSocket(url, 'hmr-ping');
            probe.onopen = () => { probe.close(); location.reload(); };
            probe.onerror = () => setTimeout(ping, 200);
          };
          ping();
        };
        </script>
        </body>
        </html>
        """;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new();
    private readonly ChangeSignal _changed = new();
    private int _socketsEnded;
    private volatile string _module = "v1";

    private DevServerTestApp(WebApplication app)
    {
        _app = app;
    }

    public int Port { get; private set; }

    /// <summary>WebSockets open now on the local side.</summary>
    public int OpenSockets => _sockets.Count;

    /// <summary>WebSockets that ended on the local side (closed or dropped by the tunnel).</summary>
    public int SocketsEnded => Volatile.Read(ref _socketsEnded);

    public static async Task<DevServerTestApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        var server = new DevServerTestApp(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Sends <paramref name="text"/> to every open WebSocket, as a dev server pushes a hot update.</summary>
    public async Task PushAsync(string text)
    {
        foreach (var socket in _sockets.Keys)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
    }

    /// <summary>
    /// A file saved: /main.js now exports <paramref name="version"/>, and "update /main.js" goes to every open
    /// WebSocket, as a dev server does on a save. Returns how many sockets the update went to.
    /// </summary>
    public async Task<int> SaveAsync(string version)
    {
        _module = version;
        var sockets = _sockets.Count;
        await PushAsync("update /main.js");
        return sockets;
    }

    /// <summary>Completes once <paramref name="count"/> WebSockets are open on the local side.</summary>
    public Task WaitForOpenSocketsAsync(int count)
        => _changed.WaitUntilAsync(() => OpenSockets >= count, TimeSpan.FromSeconds(15), () => $"{OpenSockets} of {count} WebSockets open.");

    /// <summary>Completes once <paramref name="count"/> WebSockets have ended on the local side.</summary>
    public Task WaitForSocketsEndedAsync(int count)
        => _changed.WaitUntilAsync(() => SocketsEnded >= count, TimeSpan.FromSeconds(15), () => $"{SocketsEnded} of {count} WebSockets ended.");

    /// <summary>Completes once /slow?id=<paramref name="id"/> has arrived and is being held.</summary>
    public Task WaitForHeldAsync(string id)
        => _changed.WaitUntilAsync(() => _held.ContainsKey(id), TimeSpan.FromSeconds(15), () => $"/slow?id={id} has not arrived.");

    /// <summary>Lets /slow?id=<paramref name="id"/> answer.</summary>
    public void Release(string id) => _held.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _held.Values)
        {
            held.TrySetResult();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Page, "text/html; charset=utf-8"));
        app.MapGet("/main.js", () => Results.Content($"export default '{_module}';", "text/javascript"));

        app.MapGet("/slow", async (HttpContext context, string id) =>
        {
            var release = _held.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _changed.Pulse();
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync($"slow {id} done", context.RequestAborted);
        });

        app.Map("/hmr", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            if (context.WebSockets.WebSocketRequestedProtocols.Contains("hmr-ping"))
            {
                // The page asking whether the dev server is reachable again: the answer is that it opens.
                using var probe = await context.WebSockets.AcceptWebSocketAsync("hmr-ping");
                await probe.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            _sockets[socket] = 0;
            _changed.Pulse();
            try
            {
                // Like an HMR server: it only pushes; what the client sends is read and ignored.
                var buffer = new byte[1024];
                while (!(await socket.ReceiveAsync(buffer, CancellationToken.None)).CloseStatus.HasValue)
                {
                }
            }
            catch (WebSocketException)
            {
                // The tunnel dropped the connection: the normal end when an agent stops.
            }
            finally
            {
                _sockets.TryRemove(socket, out _);
                Interlocked.Increment(ref _socketsEnded);
                _changed.Pulse();
            }
        });
    }
}
