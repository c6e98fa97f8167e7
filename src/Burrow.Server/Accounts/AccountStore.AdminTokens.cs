using System.Security.Cryptography;

namespace Burrow.Server.Accounts;

/// <summary>
/// Admin tokens: "brwa_" and 32 random bytes in base64url, for the admin listener's API and dashboard. Stored as
/// SHA-256 hashes like user tokens; a presented token is compared to every active admin hash in constant time (all of
/// them, always, so the time taken does not say which matched or how many exist).
/// </summary>
public sealed partial class AccountStore
{
    private const string AdminTokenPrefix = "brwa_";

    public NewToken AddAdminToken(string label)
    {
        label = CheckedLabel(label);
        var token = NewTokenText(AdminTokenPrefix);
        using var connection = Connect();
        using var insert = Command(connection, "INSERT INTO admin_tokens (label, hash, created_at) VALUES ($label, $hash, $now) RETURNING id");
        insert.Parameters.AddWithValue("$label", label);
        insert.Parameters.AddWithValue("$hash", HashToken(token));
        insert.Parameters.AddWithValue("$now", Now());
        var id = (long)insert.ExecuteScalar()!;
        return new NewToken(id, "admin", token);
    }

    public IReadOnlyList<TokenRecord> ListAdminTokens()
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT id, label, created_at, last_used_at, revoked FROM admin_tokens ORDER BY id");
        using var reader = command.ExecuteReader();
        var tokens = new List<TokenRecord>();
        while (reader.Read())
        {
            tokens.Add(new TokenRecord(reader.GetInt64(0), reader.GetString(1), Time(reader.GetInt64(2)), reader.IsDBNull(3) ? null : Time(reader.GetInt64(3)), reader.GetInt64(4) != 0));
        }

        return tokens;
    }

    public bool RevokeAdminToken(long tokenId)
    {
        using var connection = Connect();
        using var command = Command(connection, "UPDATE admin_tokens SET revoked = 1 WHERE id = $id AND revoked = 0");
        command.Parameters.AddWithValue("$id", tokenId);
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>
    /// Who presented <paramref name="token"/> to the admin listener: an active admin token (its id), an active user
    /// token (refused with 403: it is a real credential, just not one for this), or neither.
    /// </summary>
    public AdminCredential AuthenticateAdmin(string token)
    {
        var presented = HashToken(token);
        using var connection = Connect();
        long? match = null;
        var compared = false;
        using (var command = Command(connection, "SELECT id, hash FROM admin_tokens WHERE revoked = 0"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                compared = true;
                if (CryptographicOperations.FixedTimeEquals(presented, (byte[])reader.GetValue(1)) && match is null)
                {
                    match = reader.GetInt64(0);
                }
            }
        }

        if (!compared)
        {
            // As for user tokens: no admin token at all takes the time of one comparison too.
            _ = CryptographicOperations.FixedTimeEquals(presented, DummyHash);
        }

        if (match is { } id)
        {
            using var touch = Command(connection, "UPDATE admin_tokens SET last_used_at = $now WHERE id = $id");
            touch.Parameters.AddWithValue("$now", Now());
            touch.Parameters.AddWithValue("$id", id);
            touch.ExecuteNonQuery();
            return new AdminCredential(AdminCredentialKind.Admin, id);
        }

        // Looked up by its hash: a SHA-256 of 32 random bytes, so an index-speed comparison reveals nothing usable.
        using var user = Command(connection, "SELECT 1 FROM tokens WHERE hash = $hash AND revoked = 0");
        user.Parameters.AddWithValue("$hash", presented);
        return user.ExecuteScalar() is not null ? new AdminCredential(AdminCredentialKind.User, null) : new AdminCredential(AdminCredentialKind.None, null);
    }
}
