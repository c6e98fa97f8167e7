namespace Burrow.Server.Accounts;

/// <summary>Names: the first user to claim one keeps it until it is released or the user removed.</summary>
internal sealed partial class AccountStore
{
    public NameClaim ClaimName(long userId, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = name.Trim().ToLowerInvariant();
        using var connection = Connect();

        // The primary key makes the claim atomic: of two racing users exactly one insert takes effect.
        using var insert = Command(connection, "INSERT INTO names (name, user_id, claimed_at) VALUES ($name, $user, $now) ON CONFLICT(name) DO NOTHING");
        insert.Parameters.AddWithValue("$name", name);
        insert.Parameters.AddWithValue("$user", userId);
        insert.Parameters.AddWithValue("$now", Now());
        try
        {
            if (insert.ExecuteNonQuery() == 1)
            {
                return NameClaim.Claimed;
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new AccountException("The user no longer exists.");
        }

        using var owner = Command(connection, "SELECT user_id FROM names WHERE name = $name");
        owner.Parameters.AddWithValue("$name", name);
        return owner.ExecuteScalar() as long? == userId ? NameClaim.AlreadyYours : NameClaim.OwnedByOther;
    }

    /// <summary>The user holding <paramref name="name"/>, or null when it is free.</summary>
    public string? FindNameOwner(string name)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT u.name FROM names n JOIN users u ON u.id = n.user_id WHERE n.name = $name");
        command.Parameters.AddWithValue("$name", name.Trim().ToLowerInvariant());
        return command.ExecuteScalar() as string;
    }

    public IReadOnlyList<NameRecord> ListNames(string? userName = null)
    {
        using var connection = Connect();
        using var command = Command(connection, """
            SELECT n.name, u.name, n.claimed_at FROM names n JOIN users u ON u.id = n.user_id
            WHERE $user IS NULL OR u.name = $user ORDER BY n.name
            """);
        command.Parameters.AddWithValue("$user", (object?)userName?.Trim().ToLowerInvariant() ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var names = new List<NameRecord>();
        while (reader.Read())
        {
            names.Add(new NameRecord(reader.GetString(0), reader.GetString(1), Time(reader.GetInt64(2))));
        }

        return names;
    }

    public bool ReleaseName(string name)
    {
        using var connection = Connect();
        using var command = Command(connection, "DELETE FROM names WHERE name = $name");
        command.Parameters.AddWithValue("$name", name.Trim().ToLowerInvariant());
        return command.ExecuteNonQuery() > 0;
    }

    public int CountNames(long userId)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT COUNT(*) FROM names WHERE user_id = $user");
        command.Parameters.AddWithValue("$user", userId);
        return (int)(long)command.ExecuteScalar()!;
    }
}
