using Burrow.BenchTools;
using Burrow.BenchTools.Hostile;
using Burrow.BenchTools.Probes;
using Burrow.BenchTools.Sinks;
using Burrow.BenchTools.Tunnels;
using Burrow.BenchTools.WebSockets;

// bench/run.sh's helpers. Every load is bounded by a duration or count given on the command line; traffic stays on
// 127.0.0.0/8. Each command is described on its type.
const string Usage = """
    usage: Burrow.BenchTools COMMAND ARGS
      ws-server PORT                                      WebSocket echo server on 127.0.0.1:PORT
      ws-client PORT HOST SECONDS SIZE                    one WebSocket ping-pong; prints messages/s
      upload-sink PORT                                    drains request bodies, answers 200
      idle-tunnels SERVER USER TOKEN COUNT PORT           COUNT real agents, one tunnel each
      idle-channels SERVER USER TOKEN COUNT CONCURRENCY   COUNT idle channels, registered CONCURRENCY at a time
      hostile-agent SERVER USER TOKEN NAME STREAMS ACCEPT_S HOLD_S READ_BYTES_PER_S
      upload-flood PORT HOST PATH CLIENTS BYTES SECONDS SOURCES
      probe PORT HOST PATH SECONDS RATE TIMEOUT_S         fixed-rate GETs; prints latency percentiles
    """;

using var stop = new StopSignal();
var a = new ToolArguments(args);
try
{
    return args.FirstOrDefault() switch
    {
        "ws-server" => await WebSocketEchoServer.RunAsync(a.Int(1, "PORT"), stop.Token),
        "ws-client" => await WebSocketEchoClient.RunAsync(a.Int(1, "PORT"), a.Text(2, "HOST"), a.Seconds(3, "SECONDS"), a.Int(4, "SIZE"), stop.Token),
        "upload-sink" => await UploadSink.RunAsync(a.Int(1, "PORT"), stop.Token),
        "idle-tunnels" => await IdleAgentFleet.RunAsync(a.Uri(1, "SERVER"), a.Text(2, "USER"), a.Text(3, "TOKEN"), a.Int(4, "COUNT"), a.Int(5, "PORT"), stop.Token),
        "idle-channels" => await IdleChannelFleet.RunAsync(a.Uri(1, "SERVER"), a.Text(2, "USER"), a.Text(3, "TOKEN"), a.Int(4, "COUNT"), a.Int(5, "CONCURRENCY"), stop.Token),
        "hostile-agent" => await new HostileAgent(new HostileAgentSettings(
            a.Uri(1, "SERVER"), a.Text(2, "USER"), a.Text(3, "TOKEN"), a.Text(4, "NAME"), a.Int(5, "STREAMS"),
            a.Seconds(6, "ACCEPT_S"), a.Seconds(7, "HOLD_S"), a.Int(8, "READ_BYTES_PER_S"))).RunAsync(stop.Token),
        "upload-flood" => await UploadFlood.RunAsync(
            a.Int(1, "PORT"), a.Text(2, "HOST"), a.Text(3, "PATH"), a.Int(4, "CLIENTS"), a.Int(5, "BYTES"), a.Seconds(6, "SECONDS"), a.Int(7, "SOURCES"), stop.Token),
        "probe" => await LatencyProbe.RunAsync(
            a.Int(1, "PORT"), a.Text(2, "HOST"), a.Text(3, "PATH"), a.Seconds(4, "SECONDS"), a.Double(5, "RATE"), a.Seconds(6, "TIMEOUT_S"), stop.Token),
        _ => Fail(Usage),
    };
}
catch (ArgumentException ex)
{
    return Fail($"{ex.Message}\n{Usage}");
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
