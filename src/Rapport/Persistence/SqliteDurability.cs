using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Rapport.Persistence;

/// <summary>
/// An acknowledged write is never lost: WAL lets readers run beside the writer, and synchronous=FULL
/// makes every commit durable on power loss (WAL's default NORMAL may lose the last commits).
/// busy_timeout makes concurrent writers wait instead of failing.
/// </summary>
internal sealed class SqliteDurability : DbConnectionInterceptor
{
    public static readonly SqliteDurability Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
