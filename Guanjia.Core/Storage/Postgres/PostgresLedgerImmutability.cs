namespace Guanjia.Core.Storage.Postgres;

/// <summary>
/// Ledger rows are immutable (corrections are reversing transfers): on PostgreSQL a trigger
/// function refuses every UPDATE and DELETE of a transfer or a movement, as the SQLite set's
/// RAISE(ABORT) triggers do. TRUNCATE is refused too; only dropping the table gets past it.
/// </summary>
public static class PostgresLedgerImmutability
{
    public static readonly IReadOnlyList<string> Tables = ["LedgerTransfers", "LedgerMovements"];

    public const string Function = "guanjia_ledger_immutable";

    public static string Create { get; } = $$"""
        CREATE OR REPLACE FUNCTION {{Function}}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% are immutable', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$;
        """ + string.Concat(Tables.Select(t => $"""

        CREATE TRIGGER "{t}_no_change" BEFORE UPDATE OR DELETE ON "{t}" FOR EACH ROW EXECUTE FUNCTION {Function}();
        CREATE TRIGGER "{t}_no_truncate" BEFORE TRUNCATE ON "{t}" FOR EACH STATEMENT EXECUTE FUNCTION {Function}();
        """));

    public static string Drop { get; } = string.Concat(Tables.Select(t => $"""
        DROP TRIGGER IF EXISTS "{t}_no_change" ON "{t}";
        DROP TRIGGER IF EXISTS "{t}_no_truncate" ON "{t}";

        """)) + $"DROP FUNCTION IF EXISTS {Function}();";
}
