using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;

namespace Rapport.Tests.Persistence;

public sealed class ConcurrencyAndDurabilityTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoPeopleEditingTheSameEpisode_TheSecondSaveIsRefused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var first = database.Open(Viewer.System);
        await using var second = database.Open(Viewer.System);
        var id = await first.Episodes.Select(e => e.Id).FirstAsync();
        var a = await first.Episodes.SingleAsync(e => e.Id == id);
        var b = await second.Episodes.SingleAsync(e => e.Id == id);

        a.Title = "Renamed by the first";
        await first.SaveChangesAsync();
        b.Title = "Renamed by the second";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var check = database.Open(Viewer.System);
        Assert.Equal("Renamed by the first", (await check.Episodes.SingleAsync(e => e.Id == id)).Title);
    }

    [Fact]
    public async Task Sqlite_CommitsDurably_WithWalAndFullSync()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, seedDemo: false, durable: true);
        await using var db = database.Open(Viewer.System);
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        var journal = (string?)await command.ExecuteScalarAsync();
        command.CommandText = "PRAGMA synchronous";
        var synchronous = Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("wal", journal);
        Assert.Equal(2, synchronous); // 2 = FULL
    }
}
