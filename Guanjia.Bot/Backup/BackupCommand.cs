using Guanjia.Bot.Hosting;
using Guanjia.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Guanjia.Bot.Backup;

/// <summary>
/// <c>dotnet run --project Guanjia.Bot -- backup &lt;file&gt;</c>: a consistent copy of the configured SQLite
/// database, taken with SQLite's online backup while the service may keep running. On PostgreSQL it
/// prints the <c>pg_dump</c> command instead (see docs/operations.md). Photos under <c>Media:Root</c> are
/// files: back them up with rsync.
/// </summary>
internal static class BackupCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [var file, ..])
        {
            await Console.Error.WriteLineAsync("usage: dotnet run --project Guanjia.Bot -- backup <file>   (the SQLite copy to write; it must not exist)");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(args[1..]);
        builder.AddGuanjiaConfiguration(args[1..]);
        var provider = builder.Configuration["Storage:Provider"] is { Length: > 0 } p ? p : GuanjiaStorage.SqliteName;
        var connectionString = builder.Configuration.GetConnectionString("Guanjia");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("ConnectionStrings:Guanjia is not set: nothing to back up.");
            return 2;
        }

        return Backup(GuanjiaStorage.For(provider, connectionString, builder.Environment.ContentRootPath), Path.GetFullPath(file), Console.Out, Console.Error);
    }

    /// <summary>Writes the backup of <paramref name="storage"/> to <paramref name="file"/>; returns the exit code.</summary>
    public static int Backup(GuanjiaStorage storage, string file, TextWriter output, TextWriter error)
    {
        if (storage.IsShared)
        {
            var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(storage.ConnectionString);
            output.WriteLine("PostgreSQL: back up with pg_dump (consistent while the service runs), e.g.");
            output.WriteLine($"  PGPASSWORD=… pg_dump --format=custom --host={npgsql.Host} --port={npgsql.Port} --username={npgsql.Username} --dbname={npgsql.Database} --file={file}");
            output.WriteLine("Restore: pg_restore --clean --if-exists --dbname=<database> <file>   (see docs/operations.md)");
            return 0;
        }

        var source = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
        if (!File.Exists(source))
        {
            error.WriteLine($"The database {source} does not exist: nothing to back up.");
            return 1;
        }

        if (File.Exists(file))
        {
            error.WriteLine($"{file} already exists: choose a new file name (a backup never overwrites).");
            return 1;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString))
        using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString))
        {
            from.Open();
            to.Open();
            // SQLite's online backup: a consistent snapshot even while the service writes (it restarts on a concurrent change).
            from.BackupDatabase(to);
            using var journal = to.CreateCommand();
            // The copy is one self-contained file (no -wal beside it), ready to be copied over the database.
            journal.CommandText = "PRAGMA journal_mode=DELETE;";
            journal.ExecuteNonQuery();
        }

        output.WriteLine($"Backed up {source} to {file} ({new FileInfo(file).Length:N0} bytes).");
        return 0;
    }
}
