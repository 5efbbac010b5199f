using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Guanjia.Core.Storage.Sqlite;

/// <summary>Lets `dotnet ef migrations add --context GuanjiaDbContext` build the SQLite model without starting the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<GuanjiaDbContext>
{
    public GuanjiaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
