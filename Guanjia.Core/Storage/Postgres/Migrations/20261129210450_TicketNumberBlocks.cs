using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Guanjia.Core.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TicketNumberBlocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence<int>(
                name: "TicketNumbers",
                incrementBy: 10);

            migrationBuilder.AlterColumn<int>(
                name: "Number",
                table: "Tickets",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            // Hand-written: the blocks continue after the numbers the identity column gave out.
            migrationBuilder.Sql("""SELECT setval('"TicketNumbers"', COALESCE((SELECT MAX("Number") FROM "Tickets"), 0) + 1, false);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropSequence(
                name: "TicketNumbers");

            migrationBuilder.AlterColumn<int>(
                name: "Number",
                table: "Tickets",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            // Hand-written: the identity continues after the numbers the blocks gave out.
            migrationBuilder.Sql("""SELECT setval(pg_get_serial_sequence('"Tickets"', 'Number'), COALESCE((SELECT MAX("Number") FROM "Tickets"), 0) + 1, false);""");
        }
    }
}
