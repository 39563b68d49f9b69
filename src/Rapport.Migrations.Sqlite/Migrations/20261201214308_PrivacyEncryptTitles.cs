using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rapport.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PrivacyEncryptTitles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Episode titles, break-glass reasons and transcript file names become [Encrypted] (unbounded text columns).
            // Rows already stored as plaintext are encrypted after the migrations by Privacy.EncryptPlaintextFields,
            // which has the key ring a migration must not have (decision 0013).

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
