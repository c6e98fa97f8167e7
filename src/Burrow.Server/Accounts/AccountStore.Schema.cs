namespace Burrow.Server.Accounts;

/// <summary>Schema creation and versioning: idempotent, run on every open; older schemas are migrated in place.</summary>
public sealed partial class AccountStore
{
    private const int SchemaVersion = 3;

    private void EnsureSchema(string connectionString)
    {
        using var connection = Open(connectionString);

        // WAL lets the CLI write while a server reads; it is a property of the file, so setting it once is enough.
        using (var wal = Command(connection, "PRAGMA journal_mode = WAL"))
        {
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var create = Command(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                max_tunnels INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                max_names INTEGER);
            CREATE TABLE IF NOT EXISTS tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                label TEXT NOT NULL,
                hash BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER,
                revoked INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user_id);
            CREATE TABLE IF NOT EXISTS names (
                name TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                claimed_at INTEGER NOT NULL,
                last_used_at INTEGER);
            CREATE INDEX IF NOT EXISTS names_user ON names(user_id);
            CREATE TABLE IF NOT EXISTS admin_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                label TEXT NOT NULL,
                hash BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER,
                revoked INTEGER NOT NULL DEFAULT 0);
            """, transaction);
        create.ExecuteNonQuery();

        using var version = Command(connection, "SELECT MAX(version) FROM schema_version", transaction);
        var current = version.ExecuteScalar() as long? ?? 0;
        if (current > SchemaVersion)
        {
            throw new AccountException($"{DatabasePath} was written by a newer Burrow (schema {current}); upgrade Burrow.");
        }

        if (current == 1)
        {
            // Version 2 (issue #10): a per-user name quota, and names remember when a channel last served them so
            // that unused ones can be released.
            using var migrate = Command(connection, "ALTER TABLE users ADD COLUMN max_names INTEGER; ALTER TABLE names ADD COLUMN last_used_at INTEGER;", transaction);
            migrate.ExecuteNonQuery();
        }

        // Version 3 (issue 13): admin tokens, created above by CREATE TABLE IF NOT EXISTS like every table.
        if (current < SchemaVersion)
        {
            using var set = Command(connection, "INSERT INTO schema_version (version) VALUES ($v)", transaction);
            set.Parameters.AddWithValue("$v", SchemaVersion);
            set.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
