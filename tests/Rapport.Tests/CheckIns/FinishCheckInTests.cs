using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.CheckIns;
using Rapport.Goals;
using Rapport.Persistence;

namespace Rapport.Tests.CheckIns;

/// <summary>The last step of a check-in: the note and the goal are checked together and stored in one save.</summary>
public sealed class FinishCheckInTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BadNoteAndBadGoal_ReportBothProblems_AndStoreNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<FinishCheckIn>().HandleAsync(new string('n', ClientNote.MaxLength + 1), new string('g', ClientGoal.MaxLength + 1));
            Assert.False(outcome.Succeeded);
            Assert.Contains(LeaveNote.NoteField, outcome.Errors.Keys);
            Assert.Contains(SetGoal.TextField, outcome.Errors.Keys);
        }

        await using var system = database.Open(Viewer.System);
        Assert.DoesNotContain(await NotesAsync(system, client), n => n.Length > ClientNote.MaxLength);
        Assert.DoesNotContain(await GoalsAsync(system, client), g => g.Length > ClientGoal.MaxLength);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AGoodGoalWithANoteTooLong_IsNotStoredEither(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<FinishCheckIn>().HandleAsync(new string('n', ClientNote.MaxLength + 1), "Walk to work twice a week");
            Assert.Equal([LeaveNote.NoteField], outcome.Errors.Keys);
        }

        await using var system = database.Open(Viewer.System);
        Assert.DoesNotContain("Walk to work twice a week", await GoalsAsync(system, client));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NoteAndGoal_AreBothStored(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<FinishCheckIn>().HandleAsync("Work has been hard this week.", "Walk to work twice a week");
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
            Assert.True(outcome.Value!.NoteLeft);
            Assert.Equal("Walk to work twice a week", outcome.Value.Goal!.Text);
        }

        await using var system = database.Open(Viewer.System);
        Assert.Contains("Work has been hard this week.", await NotesAsync(system, client));
        Assert.Contains("Walk to work twice a week", await GoalsAsync(system, client));
    }

    // Free text is encrypted at rest (randomised), so it is compared after reading, not in the query.
    private static async Task<List<string>> NotesAsync(RapportDb db, Viewer client) =>
        await db.ClientNotes.Where(n => n.ClientId == client.ClientId).Select(n => n.Text).ToListAsync();

    private static async Task<List<string>> GoalsAsync(RapportDb db, Viewer client) =>
        await db.ClientGoals.Where(g => g.ClientId == client.ClientId).Select(g => g.Text).ToListAsync();
}
