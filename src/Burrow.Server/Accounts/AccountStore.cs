using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Burrow.Server.Accounts;

/// <summary>
/// Users, their tokens and their names, in SQLite (<c>burrow.db</c> in the data directory). Tokens exist only as
/// SHA-256 hashes. Each operation opens its own pooled connection, so the store is safe to share across requests,
/// and WAL mode lets the <c>burrow user/token/name</c> commands change it while a server runs.
/// </summary>
public sealed partial class AccountStore : IDisposable
{
    private readonly Lazy<string> _connectionString;
    private readonly TimeProvider _time;
    private volatile bool _disposed;

    private AccountStore(string databasePath, TimeProvider time)
    {
        DatabasePath = databasePath;
        _time = time;

        // SQLite (and System.Data) load on first use: a server with no registrations yet stays small (issue #6's
        // idle-memory target), and the first use creates or checks the schema, thread-safely.
        _connectionString = new Lazy<string>(() =>
        {
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = databasePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
                ForeignKeys = true,
                DefaultTimeout = 10,
            }.ToString();
            // SQLite gives the -wal and -shm files the database file's mode, so a 0600 database keeps them 0600 too.
            OwnerOnlyFiles.EnsureFile(databasePath);
            OwnerOnlyFiles.Restrict(databasePath + "-wal");
            OwnerOnlyFiles.Restrict(databasePath + "-shm");
            EnsureSchema(connectionString);
            return connectionString;
        });
    }

    public string DatabasePath { get; }

    /// <summary>Opens (creating if needed) and checks the database now: what the CLI and tests want.</summary>
    public static AccountStore Open(string dataDirectory, TimeProvider? timeProvider = null)
    {
        var store = OpenLazily(dataDirectory, timeProvider);
        _ = store._connectionString.Value;
        return store;
    }

    /// <summary>
    /// Opens on first use. The server uses this so that SQLite and System.Data are not in memory until the first
    /// registration (issue #6's idle-memory target); the data directory itself is created, and so checked, now.
    /// </summary>
    public static AccountStore OpenLazily(string dataDirectory, TimeProvider? timeProvider = null)
    {
        try
        {
            OwnerOnlyFiles.EnsureDirectory(dataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccountException($"Cannot use the data directory {dataDirectory}: {ex.Message}");
        }

        return new AccountStore(Path.GetFullPath(Path.Combine(dataDirectory, "burrow.db")), timeProvider ?? TimeProvider.System);
    }

    public NewToken AddUser(string name, int maxTunnels = 10, int? maxNames = null)
    {
        var userName = name.ToLowerInvariant();
        if (!UserNamePattern().IsMatch(userName))
        {
            throw new AccountException($"'{name}' is not a valid user name: use 1-32 lower-case letters, digits, '-' or '_', starting with a letter or digit.");
        }

        if (maxTunnels < 1)
        {
            throw new AccountException("--max-tunnels must be at least 1.");
        }

        if (maxNames is < 1)
        {
            throw new AccountException("--max-names must be at least 1.");
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        using var insert = Command(connection, "INSERT INTO users (name, max_tunnels, max_names, created_at) VALUES ($name, $max, $maxNames, $now) ON CONFLICT(name) DO NOTHING RETURNING id", transaction);
        insert.Parameters.AddWithValue("$name", userName);
        insert.Parameters.AddWithValue("$max", maxTunnels);
        insert.Parameters.AddWithValue("$maxNames", (object?)maxNames ?? DBNull.Value);
        insert.Parameters.AddWithValue("$now", Now());
        if (insert.ExecuteScalar() is not long userId)
        {
            throw new AccountException($"User '{userName}' already exists.");
        }

        var token = InsertToken(connection, transaction, userId, userName, "default");
        transaction.Commit();
        return token;
    }

    public IReadOnlyList<UserRecord> ListUsers()
    {
        using var connection = Connect();
        using var command = Command(connection, """
            SELECT u.id, u.name, u.max_tunnels, u.max_names, u.created_at,
                   (SELECT COUNT(*) FROM tokens t WHERE t.user_id = u.id AND t.revoked = 0),
                   (SELECT COUNT(*) FROM names n WHERE n.user_id = u.id)
            FROM users u ORDER BY u.name
            """);
        using var reader = command.ExecuteReader();
        var users = new List<UserRecord>();
        while (reader.Read())
        {
            users.Add(new UserRecord(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetInt32(3), Time(reader.GetInt64(4)), reader.GetInt32(5), reader.GetInt32(6)));
        }

        return users;
    }

    public UserRecord? FindUser(string name) => ListUsers().FirstOrDefault(u => string.Equals(u.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Deletes the user; its tokens and names go with it (ON DELETE CASCADE).</summary>
    public bool RemoveUser(string name)
    {
        using var connection = Connect();
        using var command = Command(connection, "DELETE FROM users WHERE name = $name");
        command.Parameters.AddWithValue("$name", name.Trim().ToLowerInvariant());
        return command.ExecuteNonQuery() > 0;
    }

    public void Dispose()
    {
        _disposed = true;
        if (_connectionString.IsValueCreated)
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private SqliteConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Open(_connectionString.Value);
    }

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,31}\z")]
    private static partial Regex UserNamePattern();
}
