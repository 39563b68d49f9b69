using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rapport.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InsightsTestimonialsMatching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "InsightsMinimumN",
                table: "Practices",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "TestimonialGapMonths",
                table: "Practices",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "TestimonialsNeverInvite",
                table: "Practices",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "InsightsMinimumN",
                table: "Practices");

            migrationBuilder.DropColumn(
                name: "TestimonialGapMonths",
                table: "Practices");

            migrationBuilder.DropColumn(
                name: "TestimonialsNeverInvite",
                table: "Practices");
        }
    }
}
