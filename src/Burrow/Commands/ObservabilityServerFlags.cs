using System.CommandLine;

namespace Burrow.Commands;

/// <summary>
/// The admin listener, access log and tracing flags of <c>burrow server</c> (issue 13), each setting one configuration
/// key of AdminOptions, AccessLogOptions or TelemetryOptions.
/// </summary>
internal sealed class ObservabilityServerFlags
{
    private readonly Option<int?> _adminPort = new("--admin-port") { Description = "Port of the admin listener: dashboard, /metrics, admin API [default: 9090; 0 picks one] (key AdminPort)." };
    private readonly Option<string?> _adminListen = new("--admin-listen") { Description = "Address of the admin listener [default: 127.0.0.1]; another needs --admin-https or --admin-allow-http (key AdminListen)." };
    private readonly Option<bool> _adminHttps = new("--admin-https") { Description = "Serve the admin listener over HTTPS with the server's certificate (key AdminHttps)." };
    private readonly Option<bool> _adminAllowHttp = new("--admin-allow-http") { Description = "Allow the admin listener on a non-loopback address without TLS: admin tokens then travel in clear (key AdminAllowHttp)." };
    private readonly Option<bool> _adminMetricsToken = new("--admin-metrics-token") { Description = "Require an admin token for /metrics too (key AdminMetricsToken)." };
    private readonly Option<bool> _noAdmin = new("--no-admin") { Description = "Run without the admin listener (key AdminEnabled=false)." };
    private readonly Option<string?> _accessLog = new("--access-log") { Description = "Write one line per public request to FILE (reopened on SIGHUP, for logrotate) or 'stdout' (key AccessLog)." };
    private readonly Option<string?> _accessLogFormat = new("--access-log-format") { Description = "json, common or combined [default: json] (key AccessLogFormat)." };
    private readonly Option<bool> _accessLogQuery = new("--access-log-query") { Description = "Keep query strings in the access log (they often carry secrets) (key AccessLogQuery)." };
    private readonly Option<string?> _otlpEndpoint = new("--otlp-endpoint") { Description = "Export a span per public request to this OTLP endpoint, and send the local servers a W3C traceparent (key OtlpEndpoint)." };
    private readonly Option<string?> _otlpProtocol = new("--otlp-protocol") { Description = "grpc or http (the endpoint is then the full URL, e.g. http://collector:4318/v1/traces) [default: grpc] (key OtlpProtocol)." };

    /// <summary>The keys these flags set, for the --config help text.</summary>
    public static readonly string[] Keys =
    [
        "AdminPort", "AdminListen", "AdminHttps", "AdminAllowHttp", "AdminMetricsToken", "AdminEnabled", "AccessLog", "AccessLogFormat",
        "AccessLogQuery", "OtlpEndpoint", "OtlpProtocol",
    ];

    public void AddTo(Command command)
    {
        _accessLogFormat.AcceptOnlyFromAmong("json", "common", "combined");
        _otlpProtocol.AcceptOnlyFromAmong("grpc", "http");
        foreach (var option in new Option[] { _adminPort, _adminListen, _adminHttps, _adminAllowHttp, _adminMetricsToken, _noAdmin, _accessLog, _accessLogFormat, _accessLogQuery, _otlpEndpoint, _otlpProtocol })
        {
            command.Options.Add(option);
        }
    }

    public void Apply(ParseResult parse, Action<string, object?> set)
    {
        set("AdminPort", parse.GetValue(_adminPort));
        set("AdminListen", parse.GetValue(_adminListen));
        SetTrue("AdminHttps", _adminHttps);
        SetTrue("AdminAllowHttp", _adminAllowHttp);
        SetTrue("AdminMetricsToken", _adminMetricsToken);
        if (parse.GetValue(_noAdmin))
        {
            set("AdminEnabled", false);
        }

        set("AccessLog", parse.GetValue(_accessLog));
        set("AccessLogFormat", parse.GetValue(_accessLogFormat));
        SetTrue("AccessLogQuery", _accessLogQuery);
        set("OtlpEndpoint", parse.GetValue(_otlpEndpoint));
        set("OtlpProtocol", parse.GetValue(_otlpProtocol));

        void SetTrue(string key, Option<bool> flag)
        {
            if (parse.GetValue(flag))
            {
                set(key, true);
            }
        }
    }
}
