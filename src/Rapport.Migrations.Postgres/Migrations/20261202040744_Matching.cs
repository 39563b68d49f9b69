using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rapport.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Matching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MatchReferrals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    StaffMemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Contact = table.Column<string>(type: "text", nullable: false),
                    ConcernsInTheirWords = table.Column<string>(type: "text", nullable: false),
                    ConcernIds = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    IntakeJson = table.Column<string>(type: "text", nullable: false),
                    ConsentWording = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ConsentWordingVersion = table.Column<int>(type: "integer", nullable: false),
                    ConsentedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchReferrals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TherapistProfiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    StaffMemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    DraftJson = table.Column<string>(type: "text", nullable: false),
                    PublishedJson = table.Column<string>(type: "text", nullable: true),
                    PublishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ChangesReason = table.Column<string>(type: "text", nullable: true),
                    SubmittedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TherapistProfiles", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MatchReferrals_PracticeId_CreatedAt",
                table: "MatchReferrals",
                columns: new[] { "PracticeId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchReferrals_StaffMemberId",
                table: "MatchReferrals",
                column: "StaffMemberId");

            migrationBuilder.CreateIndex(
                name: "IX_TherapistProfiles_PracticeId_PublishedAt",
                table: "TherapistProfiles",
                columns: new[] { "PracticeId", "PublishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TherapistProfiles_StaffMemberId",
                table: "TherapistProfiles",
                column: "StaffMemberId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MatchReferrals");

            migrationBuilder.DropTable(
                name: "TherapistProfiles");
        }
    }
}
