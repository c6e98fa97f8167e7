using Microsoft.Data.Sqlite;

namespace Burrow.Server.Accounts;

/// <summary>
/// Names: the first user to claim one keeps it until it is released, the user is removed, or it goes unused for the
/// server's retention period. A set of names is claimed in one transaction, within the user's quota: a registration
/// that is refused claims nothing.
/// </summary>
public sealed partial class AccountStore
{
    /// <summary>
    /// Claims every name in <paramref name="names"/> for the user, or none: a name owned by someone else, or more names
    /// held than <paramref name="quota"/>, leaves the table as it was.
    /// </summary>
    public NameClaimResult ClaimNames(long userId, IReadOnlyCollection<string> names, int quota)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = names.Select(Normalize).Distinct(StringComparer.Ordinal).ToList();
        using var connection = Connect();

        // IMMEDIATE takes the write lock up front, so the quota count and the inserts see the same table even with a
        // CLI or a second server process writing at the same time.
        using var transaction = connection.BeginTransaction(deferred: false);
        var fresh = new List<string>();
        foreach (var name in wanted)
        {
            using var owner = Command(connection, "SELECT user_id FROM names WHERE name = $name", transaction);
            owner.Parameters.AddWithValue("$name", name);
            switch (owner.ExecuteScalar())
            {
                case long id when id == userId:
                    break;
                case long:
                    return new NameClaimResult(NameClaim.OwnedByOther, name);
                default:
                    fresh.Add(name);
                    break;
            }
        }

        var held = CountNames(connection, transaction, userId);
        if (fresh.Count > 0 && held + fresh.Count > quota)
        {
            return new NameClaimResult(NameClaim.OverQuota, Held: held, Quota: quota);
        }

        foreach (var name in fresh)
        {
            using var insert = Command(connection, "INSERT INTO names (name, user_id, claimed_at) VALUES ($name, $user, $now)", transaction);
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$user", userId);
            insert.Parameters.AddWithValue("$now", Now());
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                // Foreign key (the user was removed meanwhile); the names were checked free under the write lock.
                throw new AccountException("The user no longer exists.");
            }
        }

        transaction.Commit();
        return NameClaimResult.Success;
    }

    /// <summary>The user holding <paramref name="name"/>, or null when it is free.</summary>
    public string? FindNameOwner(string name)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT u.name FROM names n JOIN users u ON u.id = n.user_id WHERE n.name = $name");
        command.Parameters.AddWithValue("$name", Normalize(name));
        return command.ExecuteScalar() as string;
    }

    public IReadOnlyList<NameRecord> ListNames(string? userName = null)
    {
        using var connection = Connect();
        using var command = Command(connection, """
            SELECT n.name, u.name, n.claimed_at, n.last_used_at FROM names n JOIN users u ON u.id = n.user_id
            WHERE $user IS NULL OR u.name = $user ORDER BY n.name
            """);
        command.Parameters.AddWithValue("$user", (object?)userName?.Trim().ToLowerInvariant() ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var names = new List<NameRecord>();
        while (reader.Read())
        {
            names.Add(new NameRecord(reader.GetString(0), reader.GetString(1), Time(reader.GetInt64(2)), reader.IsDBNull(3) ? null : Time(reader.GetInt64(3))));
        }

        return names;
    }

    public bool ReleaseName(string name)
    {
        using var connection = Connect();
        using var command = Command(connection, "DELETE FROM names WHERE name = $name");
        command.Parameters.AddWithValue("$name", Normalize(name));
        return command.ExecuteNonQuery() > 0;
    }

    public int CountNames(long userId)
    {
        using var connection = Connect();
        return CountNames(connection, null, userId);
    }

    /// <summary>Records that a channel serves these names now (retention counts from the last use).</summary>
    public void TouchNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        foreach (var name in names)
        {
            using var touch = Command(connection, "UPDATE names SET last_used_at = $now WHERE name = $name", transaction);
            touch.Parameters.AddWithValue("$now", Now());
            touch.Parameters.AddWithValue("$name", Normalize(name));
            touch.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Releases every name not used (nor claimed) since <paramref name="cutoff"/>; returns what was released.</summary>
    public IReadOnlyList<string> ReleaseNamesUnusedSince(DateTimeOffset cutoff)
    {
        using var connection = Connect();
        using var command = Command(connection, "DELETE FROM names WHERE COALESCE(last_used_at, claimed_at) < $cutoff RETURNING name");
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        var released = new List<string>();
        while (reader.Read())
        {
            released.Add(reader.GetString(0));
        }

        return released;
    }

    private static int CountNames(SqliteConnection connection, SqliteTransaction? transaction, long userId)
    {
        using var command = Command(connection, "SELECT COUNT(*) FROM names WHERE user_id = $user", transaction);
        command.Parameters.AddWithValue("$user", userId);
        return (int)(long)command.ExecuteScalar()!;
    }

    private static string Normalize(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Trim().ToLowerInvariant();
    }
}
