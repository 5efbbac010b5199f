using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Storage.Postgres;

/// <summary>
/// The same model as <see cref="GuanjiaDbContext"/>; a type of its own only so that the PostgreSQL
/// migration set (Storage/Postgres/Migrations) is found for it and the SQLite set for the base type
/// (EF Core's "one context type per provider", see docs/decisions/0003-storage-providers.md).
/// Registered as <see cref="GuanjiaDbContext"/>, so the rest of Core never names it.
/// </summary>
public sealed class PostgresGuanjiaDbContext(DbContextOptions<PostgresGuanjiaDbContext> options) : GuanjiaDbContext(options);
