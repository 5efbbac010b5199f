using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Guanjia.Core.Storage.Postgres;

/// <summary>
/// Lets `dotnet ef migrations add --context PostgresGuanjiaDbContext` build the PostgreSQL model
/// without a server: adding a migration or checking for pending model changes never connects.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGuanjiaDbContext>
{
    public PostgresGuanjiaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGuanjiaDbContext>().UseNpgsql("Host=localhost;Database=guanjia_design").Options);
}
