using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Guanjia.Core.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OnTheSpotAndConfidential : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Confidential",
                table: "Tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "OnTheSpot",
                table: "Tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "OnTheSpotDrafts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SenderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Conversation = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TicketNumber = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnTheSpotDrafts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OnTheSpotDrafts_SenderId_Conversation_ReceivedAt",
                table: "OnTheSpotDrafts",
                columns: new[] { "SenderId", "Conversation", "ReceivedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OnTheSpotDrafts");

            migrationBuilder.DropColumn(
                name: "Confidential",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "OnTheSpot",
                table: "Tickets");
        }
    }
}
