using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Guanjia.Core.Storage.Postgres.Migrations
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "OnTheSpot",
                table: "Tickets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "OnTheSpotDrafts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SenderId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Conversation = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Text = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false),
                    TicketNumber = table.Column<int>(type: "integer", nullable: true)
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
