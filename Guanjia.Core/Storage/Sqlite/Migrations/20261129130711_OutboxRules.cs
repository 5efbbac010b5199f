using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Guanjia.Core.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OutboxRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Conversation",
                table: "Outbox",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ExpiresAt",
                table: "Outbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Priority",
                table: "Outbox",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Recipient",
                table: "Outbox",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_State_Target",
                table: "Outbox",
                columns: new[] { "State", "Target" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_State_Target",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "Conversation",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "Recipient",
                table: "Outbox");
        }
    }
}
