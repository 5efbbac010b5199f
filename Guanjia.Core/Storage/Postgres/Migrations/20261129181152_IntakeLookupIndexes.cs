using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Guanjia.Core.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class IntakeLookupIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Reporter_Conversation_CreatedAt",
                table: "Tickets",
                columns: new[] { "Reporter", "Conversation", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketEvents_By_Kind_At",
                table: "TicketEvents",
                columns: new[] { "By", "Kind", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_Reporter_Conversation_CreatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_TicketEvents_By_Kind_At",
                table: "TicketEvents");
        }
    }
}
