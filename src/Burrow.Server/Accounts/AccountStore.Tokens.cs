using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Burrow.Server.Accounts;

/// <summary>
/// Tokens: "brw_" and 32 random bytes in base64url. Only the SHA-256 of a token is stored, and a presented token is
/// compared to every active hash of the named user in constant time; an unknown user is compared against a dummy
/// hash, so the answer takes the same path whether or not the user exists.
/// </summary>
public sealed partial class AccountStore
{
    private const string TokenPrefix = "brw_";
    private static readonly byte[] DummyHash = SHA256.HashData("burrow: no such user"u8);

    public NewToken AddToken(string userName, string label)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var user = FindUserId(connection, transaction, userName) ?? throw new AccountException($"No user named '{userName}'.");
        var token = InsertToken(connection, transaction, user, userName.Trim().ToLowerInvariant(), label);
        transaction.Commit();
        return token;
    }

    public IReadOnlyList<TokenRecord> ListTokens(string userName)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT t.id, t.label, t.created_at, t.last_used_at, t.revoked FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.name = $name ORDER BY t.id");
        command.Parameters.AddWithValue("$name", userName.Trim().ToLowerInvariant());
        using var reader = command.ExecuteReader();
        var tokens = new List<TokenRecord>();
        while (reader.Read())
        {
            tokens.Add(new TokenRecord(reader.GetInt64(0), reader.GetString(1), Time(reader.GetInt64(2)), reader.IsDBNull(3) ? null : Time(reader.GetInt64(3)), reader.GetInt64(4) != 0));
        }

        return tokens;
    }

    public bool RevokeToken(string userName, long tokenId)
    {
        using var connection = Connect();
        using var command = Command(connection, "UPDATE tokens SET revoked = 1 WHERE id = $id AND revoked = 0 AND user_id = (SELECT id FROM users WHERE name = $name)");
        command.Parameters.AddWithValue("$id", tokenId);
        command.Parameters.AddWithValue("$name", userName.Trim().ToLowerInvariant());
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>False once the token is revoked or its user removed: live channels registered with it must close.</summary>
    public bool IsTokenActive(long tokenId)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT 1 FROM tokens WHERE id = $id AND revoked = 0");
        command.Parameters.AddWithValue("$id", tokenId);
        return command.ExecuteScalar() is not null;
    }

    public AuthenticatedUser? Authenticate(string userName, string token)
    {
        var presented = HashToken(token);
        using var connection = Connect();
        using var command = Command(connection, """
            SELECT u.id, u.name, u.max_tunnels, t.id, t.hash, u.max_names
            FROM users u JOIN tokens t ON t.user_id = u.id
            WHERE u.name = $name AND t.revoked = 0
            """);
        command.Parameters.AddWithValue("$name", userName.Trim().ToLowerInvariant());
        AuthenticatedUser? match = null;
        var compared = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                compared = true;
                var hash = (byte[])reader.GetValue(4);

                // Every candidate is compared, even after a match, so timing does not depend on which token matched.
                if (CryptographicOperations.FixedTimeEquals(presented, hash) && match is null)
                {
                    match = new AuthenticatedUser(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(3), reader.GetInt32(2), reader.IsDBNull(5) ? null : reader.GetInt32(5));
                }
            }
        }

        if (!compared)
        {
            _ = CryptographicOperations.FixedTimeEquals(presented, DummyHash);
        }

        if (match is not null)
        {
            using var touch = Command(connection, "UPDATE tokens SET last_used_at = $now WHERE id = $id");
            touch.Parameters.AddWithValue("$now", Now());
            touch.Parameters.AddWithValue("$id", match.TokenId);
            touch.ExecuteNonQuery();
        }

        return match;
    }

    private NewToken InsertToken(SqliteConnection connection, SqliteTransaction transaction, long userId, string userName, string label)
    {
        label = CheckedLabel(label);
        var token = NewTokenText(TokenPrefix);
        using var insert = Command(connection, "INSERT INTO tokens (user_id, label, hash, created_at) VALUES ($user, $label, $hash, $now) RETURNING id", transaction);
        insert.Parameters.AddWithValue("$user", userId);
        insert.Parameters.AddWithValue("$label", label);
        insert.Parameters.AddWithValue("$hash", HashToken(token));
        insert.Parameters.AddWithValue("$now", Now());
        var id = (long)insert.ExecuteScalar()!;
        return new NewToken(id, userName, token);
    }

    private static long? FindUserId(SqliteConnection connection, SqliteTransaction? transaction, string userName)
    {
        using var command = Command(connection, "SELECT id FROM users WHERE name = $name", transaction);
        command.Parameters.AddWithValue("$name", userName.Trim().ToLowerInvariant());
        return command.ExecuteScalar() as long?;
    }
}
