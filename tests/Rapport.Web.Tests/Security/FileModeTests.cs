using Microsoft.Extensions.DependencyInjection;
using Rapport.Email;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>Issue 10, item 13: the database and key files were created world-readable (0644). Every file holding records, keys or mail is 0600.</summary>
public sealed class FileModeTests(Api.SharedApp shared) : IClassFixture<Api.SharedApp>
{
    [Fact]
    public async Task DatabaseWalKeysAndOutbox_AreReadableByTheOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes only.
        }

        using (await shared.App.SignedInWithCookieAsync(Personas.Therapist1))
        {
            // Signing in uses the key ring, and the demo data was encrypted with the field key ring.
        }

        await shared.App.Services.GetRequiredService<IMailer>().SendAsync(new OutgoingMail(Personas.Client1, "Mode check", "https://rapport.example"));
        var folder = shared.App.Folder;
        var files = new List<string>
        {
            Path.Combine(folder, "rapport.db"),
            Path.Combine(folder, "rapport.db-wal"),
            Path.Combine(folder, "rapport.db-shm"),
            shared.App.CertificatePath,
            Path.Combine(folder, "keys", "field-keys.json"),
        };
        files.AddRange(Directory.GetFiles(shared.App.OutboxPath, "*.eml"));

        Assert.All(files, file =>
        {
            Assert.True(File.Exists(file), $"{file} was expected");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(file));
        });
    }

    [Fact]
    public void FieldKeyRing_IsKeptApartFromTheDatabaseFolder_ByDefault()
    {
        var options = new Rapport.Persistence.DatabaseOptions { Path = "data/rapport.db" };

        var ring = options.ResolvedKeyRingPath();

        Assert.Equal(Path.GetFullPath("keys/field-keys.json"), ring);
        Assert.False(ring.StartsWith(Path.GetFullPath("data") + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }
}
