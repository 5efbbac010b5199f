using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Guanjia.Core.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PatrolsAndClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Patrols",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Community = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Compound = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Proof = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Latitude = table.Column<double>(type: "double precision", nullable: true),
                    Longitude = table.Column<double>(type: "double precision", nullable: true),
                    DistanceMetres = table.Column<int>(type: "integer", nullable: true),
                    PhotoId = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReviewedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ReviewedAt = table.Column<long>(type: "bigint", nullable: true),
                    LedgerKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    RequestId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Patrols", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TaskClaims",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Community = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Task = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    PhotoId = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReviewedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ReviewedAt = table.Column<long>(type: "bigint", nullable: true),
                    LedgerKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    RequestId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskClaims", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Patrols_Community_State",
                table: "Patrols",
                columns: new[] { "Community", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Patrols_RequestId",
                table: "Patrols",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Patrols_UserId_Day",
                table: "Patrols",
                columns: new[] { "UserId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_TaskClaims_Community_State",
                table: "TaskClaims",
                columns: new[] { "Community", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_TaskClaims_RequestId",
                table: "TaskClaims",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TaskClaims_UserId_At",
                table: "TaskClaims",
                columns: new[] { "UserId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Patrols");

            migrationBuilder.DropTable(
                name: "TaskClaims");
        }
    }
}
