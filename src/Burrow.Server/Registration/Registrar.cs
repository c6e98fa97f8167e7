using System.Threading.RateLimiting;
using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Registration;
using Burrow.Server.Accounts;
using Burrow.Server.Naming;
using Burrow.Server.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Registration;

/// <summary>
/// Decides registrations: who the token belongs to, whether the names may be theirs (rules, reserved names, other
/// users' names and holds, the user's name quota and live-tunnel limit, the per-user rate), and issues the one-time
/// ticket. Names are only held until the channel arrives; <see cref="Admit"/> claims them then, in one transaction.
/// </summary>
internal sealed partial class Registrar : IDisposable
{
    private readonly AccountStore _accounts;
    private readonly PendingRegistrations _pending;
    private readonly ILiveTunnels _live;
    private readonly PublicAddresses _addresses;
    private readonly RegistrationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PartitionedRateLimiter<long> _perUser;
    private readonly INameClaimListener[] _claimListeners;
    private readonly PolicyCompiler _policies;

    public Registrar(
        AccountStore accounts,
        PendingRegistrations pending,
        ILiveTunnels live,
        PublicAddresses addresses,
        IOptions<RegistrationOptions> options,
        TimeProvider time,
        ILogger<Registrar> logger,
        IEnumerable<INameClaimListener> claimListeners,
        PolicyCompiler policies)
    {
        _policies = policies;
        _claimListeners = [.. claimListeners];
        _accounts = accounts;
        _pending = pending;
        _live = live;
        _addresses = addresses;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var permits = _options.RegistrationsPerUserPerMinute;
        _perUser = PartitionedRateLimiter.Create<long, long>(user => RateLimitPartition.GetFixedWindowLimiter(
            user,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    public RegistrationResult Register(string? token, RegistrationRequest? request, string remote)
    {
        if (token is null)
        {
            return Unauthorized(remote, "(none)", "missing bearer token", "Send your token in an 'Authorization: Bearer TOKEN' header.");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Username))
        {
            return RegistrationResult.Refused(StatusCodes.Status400BadRequest, "Malformed request", "The body must name the user: {\"username\": \"...\"}.");
        }

        var user = _accounts.Authenticate(request.Username.Trim().ToLowerInvariant(), token);
        if (user is null)
        {
            // The same answer whether the user exists or not: a prober learns nothing.
            return Unauthorized(remote, request.Username, "bad user or token", "The user name and token do not match an active account.");
        }

        using (var lease = _perUser.AttemptAcquire(user.UserId))
        {
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                Log.Rejected(_logger, user.UserName, "-", "per-user registration rate");
                return RegistrationResult.Refused(StatusCodes.Status429TooManyRequests, "Too many requests", $"User {user.UserName} registers too often; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.", retryAfter);
            }
        }

        var requested = request.Domains is { Count: > 0 } ? request.Domains : request.Domain is null ? [] : [request.Domain];
        if (requested.Count > _options.MaxNamesPerChannel)
        {
            return RegistrationResult.Refused(StatusCodes.Status400BadRequest, "Too many names", $"One channel serves at most {_options.MaxNamesPerChannel} names.");
        }

        var names = new List<string>();
        foreach (var domain in requested)
        {
            var name = ToName(domain);
            if (name is null)
            {
                return RegistrationResult.Refused(StatusCodes.Status400BadRequest, "Invalid name", $"'{PeerText.Escape(domain)}' is not a valid name under {_addresses.Domain}: use one DNS label of letters, digits and hyphens (1-63 characters), as NAME or NAME.{_addresses.Domain}.");
            }

            if (IsReserved(name))
            {
                return RegistrationResult.Refused(StatusCodes.Status403Forbidden, "Reserved name", $"The name '{name}' is reserved on this server; pick another.");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        if (names.Count == 0)
        {
            names.Add(PickRandomName(user.UserId));
        }

        var live = _live.CountLiveNames(user.UserId, names);
        if (live + names.Count > user.MaxTunnels)
        {
            return RegistrationResult.Refused(StatusCodes.Status403Forbidden, "Tunnel limit reached", $"User {user.UserName} may have {user.MaxTunnels} live tunnels and has {live}.");
        }

        var refusal = CheckNames(user, names);
        if (refusal is not null)
        {
            return refusal;
        }

        // Last, because it is the costly check: every basic-auth password is hashed with a slow KDF here.
        var policies = _policies.Compile(request.Policies, requested.Count == 0 ? names : [.. requested.Select(d => ToName(d)!)], _addresses.HostOf);
        if (!policies.Succeeded)
        {
            Log.PolicyRefused(_logger, user.UserName, string.Join(',', names), policies.Refusal!);
            return RegistrationResult.Refused(policies.Status, policies.Title!, policies.Refusal!);
        }

        if (request.Pool && names.FirstOrDefault(n => _live.PoolPolicyDiffers(n, policies.Policies.GetValueOrDefault(n) ?? TunnelPolicy.Open(_addresses.HostOf(n)))) is { } differs)
        {
            Log.PolicyRefused(_logger, user.UserName, differs, "the pool's agents sent another visitor policy");
            return RegistrationResult.Refused(StatusCodes.Status409Conflict, "Pool policy differs", PoolPolicyDiffers(differs));
        }

        var ticket = ChannelTicket.Create();
        var registration = new PendingRegistration(ticket, user.UserId, user.UserName, user.TokenId, names, user.MaxTunnels, QuotaOf(user), request.Pool, _time.GetUtcNow() + _options.RegistrationLifetime)
        {
            Policies = policies.Policies,
        };
        if (_pending.TryAdd(registration) is { } held)
        {
            Log.Rejected(_logger, user.UserName, held, "name held by another user's registration");
            return RegistrationResult.Refused(StatusCodes.Status409Conflict, "Name taken", $"The name '{held}' is being registered by another user.");
        }

        Log.Registered(_logger, user.UserName, string.Join(',', names), remote);
        var urls = names.Select(_addresses.PublicUrl).ToList();
        var summaries = names.Select(n => policies.Policies.TryGetValue(n, out var policy) ? policy.Summary : VisitorPolicyText.Open).ToList();
        return new RegistrationResult(new RegistrationResponse(_addresses.ChannelPort, ticket.IdText, ticket.KeyText, urls[0], urls, names, [.. names.Select(_addresses.HostOf)], summaries), StatusCodes.Status201Created);
    }

    /// <summary>
    /// The channel of <paramref name="registration"/> arrived: claims its names for the user in one transaction and
    /// releases the holds. Returns null on success, or why the channel must be refused (a name was claimed by someone
    /// else since, or the user reached their quota with other channels meanwhile).
    /// </summary>
    public string? Admit(PendingRegistration registration)
    {
        try
        {
            var claim = _accounts.ClaimNames(registration.UserId, registration.Names, registration.NameQuota);
            switch (claim.Outcome)
            {
                case NameClaim.OwnedByOther:
                    return $"The name '{claim.ConflictingName}' was claimed by another user meanwhile.";
                case NameClaim.OverQuota:
                    return $"User {registration.UserName} holds {claim.Held} of {claim.Quota} names; release one ('burrow name release NAME').";
            }

            _accounts.TouchNames(registration.Names);
            foreach (var listener in _claimListeners)
            {
                listener.OnNamesClaimed(registration.UserName, registration.Names);
            }

            return null;
        }
        catch (AccountException ex)
        {
            return ex.Message;
        }
        finally
        {
            _pending.ReleaseHolds(registration);
        }
    }

    public void Dispose() => _perUser.Dispose();

    /// <summary>
    /// Why a pooled agent may not join: a visitor must get the same answer whichever agent of a pool the edge picks,
    /// so the agents of one pool must agree on who may visit (and on the header rules).
    /// </summary>
    internal static string PoolPolicyDiffers(string name)
        => $"The agents serving '{name}' as a pool sent another visitor policy: every agent of a pool must send the same --basic-auth, --allow-ip, --deny-ip, --oidc and header rules (stop them, or run this one without --pool to take the name over).";

    private RegistrationResult? CheckNames(AuthenticatedUser user, List<string> names)
    {
        var fresh = 0;
        foreach (var name in names)
        {
            var owner = _accounts.FindNameOwner(name);
            if (owner is not null && !string.Equals(owner, user.UserName, StringComparison.Ordinal))
            {
                Log.Rejected(_logger, user.UserName, name, "name owned by another user");
                return RegistrationResult.Refused(StatusCodes.Status409Conflict, "Name taken", $"The name '{name}' belongs to another user.");
            }

            fresh += owner is null ? 1 : 0;
        }

        var quota = QuotaOf(user);
        var held = fresh == 0 ? 0 : _accounts.CountNames(user.UserId);
        if (fresh > 0 && held + fresh > quota)
        {
            Log.Rejected(_logger, user.UserName, string.Join(',', names), "name quota");
            return RegistrationResult.Refused(StatusCodes.Status403Forbidden, "Name quota reached", $"User {user.UserName} holds {held} of {quota} names; release one ('burrow name release NAME') or use a name you hold.");
        }

        return null;
    }

    private int QuotaOf(AuthenticatedUser user) => user.MaxNames ?? _options.MaxNamesPerUser;

    private RegistrationResult Unauthorized(string remote, string user, string reason, string detail)
    {
        Log.AuthenticationFailed(_logger, remote, PeerText.Escape(user), reason);
        return RegistrationResult.Refused(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private bool IsReserved(string name) => _options.ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private string? ToName(string domain)
    {
        var host = TunnelNames.ToAscii(domain.Trim());
        if (host is null)
        {
            return null;
        }

        var suffix = "." + _addresses.Domain;
        if (host.EndsWith(suffix, StringComparison.Ordinal))
        {
            host = host[..^suffix.Length];
        }
        else if (host.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        return TunnelNames.Normalize(host);
    }

    /// <summary>A random name nobody holds or is registering (the claim at admission still decides races).</summary>
    private string PickRandomName(long userId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = NameGenerator.Next();
            var holder = _pending.HolderOf(name);
            if (attempt >= 20 || (!IsReserved(name) && (holder is null || holder == userId) && _accounts.FindNameOwner(name) is null))
            {
                return name;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.TunnelRegistered, LogLevel.Information, "Registered {Names} for {User} from {Remote}")]
        public static partial void Registered(ILogger logger, string user, string names, string remote);

        [LoggerMessage(ServerEventIds.RegistrationRejected, LogLevel.Information, "Registration of {Name} for {User} rejected: {Reason}")]
        public static partial void Rejected(ILogger logger, string user, string name, string reason);

        [LoggerMessage(ServerEventIds.PolicyRefused, LogLevel.Information, "Registration of {Names} for {User} refused: {Reason}")]
        public static partial void PolicyRefused(ILogger logger, string user, string names, string reason);

        [LoggerMessage(ServerEventIds.AuthenticationFailed, LogLevel.Warning, "Authentication failed from {Remote} for user {User}: {Reason}")]
        public static partial void AuthenticationFailed(ILogger logger, string remote, string user, string reason);
    }
}
