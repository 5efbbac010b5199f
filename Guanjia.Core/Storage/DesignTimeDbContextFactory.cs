using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Guanjia.Core.Storage;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<GuanjiaDbContext>
{
    public GuanjiaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
