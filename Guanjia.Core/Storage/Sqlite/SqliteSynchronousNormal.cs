using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Guanjia.Core.Storage.Sqlite;

/// <summary>
/// `PRAGMA synchronous` is per connection, so it is set on every open. In WAL mode NORMAL
/// survives a process crash and loses at most the newest commits on power loss; the inbox
/// writer switches its own connection to FULL, because its commit is what WeCom's 200 promises.
/// </summary>
public sealed class SqliteSynchronousNormal : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Execute(connection, "PRAGMA synchronous=NORMAL;");

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
