using System.Text.Json;
using System.Text.Json.Serialization;

namespace Burrow.Server.Admin;

/// <summary>A user as the admin API shows it (docs/admin-api.md).</summary>
internal sealed record UserView(string Name, int MaxTunnels, int? MaxNames, DateTimeOffset CreatedAt, int Tokens, int Names);

internal sealed record TokenView(long Id, string Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

/// <summary>A token just created: the only time its value is shown.</summary>
internal sealed record NewTokenView(long Id, string User, string Token);

internal sealed record NameView(string Name, string User, DateTimeOffset ClaimedAt, DateTimeOffset? LastUsedAt, bool Online);

internal sealed record ChannelView(
    long Id,
    string User,
    IReadOnlyList<string> Names,
    string Remote,
    DateTimeOffset ConnectedAt,
    string State,
    bool Pooled,
    bool Serving,
    int Streams,
    int Requests,
    long BytesSent,
    long BytesReceived,
    long BufferedBytes,
    double? RttMs,
    string? AgentVersion,
    IReadOnlyDictionary<string, string> Policies);

/// <summary>One point of a tunnel's chart: the rates over the sample interval ending at <paramref name="Time"/>.</summary>
internal sealed record TrafficPoint(DateTimeOffset Time, double RequestsPerSecond, double BytesPerSecond);

internal sealed record TunnelView(
    string Name,
    bool Online,
    string? User,
    long Requests,
    long BytesIn,
    long BytesOut,
    double RequestsPerSecond,
    double BytesPerSecond,
    IReadOnlyList<TrafficPoint>? History);

/// <summary>What the dashboard's event stream sends every second.</summary>
internal sealed record AdminSnapshot(DateTimeOffset Time, IReadOnlyList<TunnelView> Tunnels, IReadOnlyList<ChannelView> Channels, long AccessLogDropped);

internal sealed record CreateUserRequest(string? Name, int? MaxTunnels, int? MaxNames);

internal sealed record CreateTokenRequest(string? Label);

internal sealed record CreatedUserView(string User, long TokenId, string Token);

internal sealed record AdminProblem(string Title, int Status, string Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserView[]))]
[JsonSerializable(typeof(TokenView[]))]
[JsonSerializable(typeof(NewTokenView))]
[JsonSerializable(typeof(NameView[]))]
[JsonSerializable(typeof(ChannelView[]))]
[JsonSerializable(typeof(TunnelView[]))]
[JsonSerializable(typeof(AdminSnapshot))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreatedUserView))]
[JsonSerializable(typeof(AdminProblem))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
