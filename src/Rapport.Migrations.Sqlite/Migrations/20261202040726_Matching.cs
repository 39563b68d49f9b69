using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rapport.Migrations.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StaffMemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Contact = table.Column<string>(type: "TEXT", nullable: false),
                    ConcernsInTheirWords = table.Column<string>(type: "TEXT", nullable: false),
                    ConcernIds = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    IntakeJson = table.Column<string>(type: "TEXT", nullable: false),
                    ConsentWording = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ConsentWordingVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ConsentedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchReferrals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TherapistProfiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StaffMemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DraftJson = table.Column<string>(type: "TEXT", nullable: false),
                    PublishedJson = table.Column<string>(type: "TEXT", nullable: true),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ChangesReason = table.Column<string>(type: "TEXT", nullable: true),
                    SubmittedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
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
