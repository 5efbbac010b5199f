using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Guanjia.Core.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InboxDeadLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DeadAt",
                table: "Inbox",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DeadAt",
                table: "Inbox");
        }
    }
}
