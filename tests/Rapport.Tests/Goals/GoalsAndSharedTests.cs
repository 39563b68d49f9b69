using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.CheckIns;
using Rapport.Clinical.Preferences;
using Rapport.Goals;
using Rapport.MyCare;
using Rapport.Preferences;
using Rapport.Persistence;

namespace Rapport.Tests.Goals;

/// <summary>Goals in the client's own words, "what you have shared" and being heard, on SQLite and PostgreSQL alike.</summary>
public sealed class GoalsAndSharedTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Client_SetsAGoal_EditsIt_AndMarksItAchieved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client5);
        await using (var dbScope = database.As(viewer))
        {
            var db = dbScope.Db;
            var set = await dbScope.Get<SetGoal>().HandleAsync("  Get back to running twice a week  ");
            Assert.True(set.Succeeded);
            Assert.Equal("Get back to running twice a week", set.Value!.Text);

            var edited = await dbScope.Get<EditGoal>().HandleAsync(set.Value.Id, "Run twice a week", GoalStatus.Achieved);
            Assert.True(edited.Succeeded);
            Assert.Equal(GoalStatus.Achieved, edited.Value!.Status);
            Assert.NotNull(edited.Value.ClosedAt);
        }

        await using var system = database.Open(Viewer.System);
        var stored = await system.ClientGoals.SingleAsync(g => g.ClientId == viewer.ClientId);
        Assert.Equal(("Run twice a week", GoalStatus.Achieved), (stored.Text, stored.Status));
        // Encrypted at rest: the words are not in the column.
        var connection = system.Database.GetDbConnection();
        await connection.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            // Ids are stored as text on SQLite and uuid on PostgreSQL: compare every row's plaintext-free value instead.
            command.CommandText = """SELECT "Text" FROM "ClientGoals" """;
            await using var reader = await command.ExecuteReaderAsync();
            var values = new List<string>();
            while (await reader.ReadAsync())
            {
                values.Add(reader.GetString(0));
            }

            Assert.All(values, v => Assert.StartsWith(Rapport.Privacy.FieldEncryption.Prefix, v, StringComparison.Ordinal));
            Assert.DoesNotContain(values, v => v.Contains("Run twice", StringComparison.Ordinal));
        }

        Assert.Equal(2, await system.AuditEntries.CountAsync(a => a.RecordType == nameof(ClientGoal) && a.ClientId == viewer.ClientId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EditingSeveralGoals_WithOneBad_SavesNone_AndSaysWhichOne(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client5);
        await using var dbScope = database.As(viewer);
        var db = dbScope.Db;
        var first = (await dbScope.Get<SetGoal>().HandleAsync("Sleep better")).Value!;
        var second = (await dbScope.Get<SetGoal>().HandleAsync("Walk more")).Value!;
        var edit = dbScope.Get<EditGoal>();

        var badStatus = await edit.HandleAllAsync([new(first.Id, "Sleep eight hours", GoalStatus.Achieved), new(second.Id, "Walk more", (GoalStatus)99)]);
        var badText = await edit.HandleAllAsync([new(first.Id, "Sleep eight hours", GoalStatus.Achieved), new(second.Id, " ", GoalStatus.Dropped)]);

        Assert.Equal("Please choose how this goal stands.", badStatus.Errors[EditGoal.StatusField(1)]);
        Assert.Equal("Please write your goal in a few words.", badText.Errors[EditGoal.TextField(1)]);
        var stored = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == viewer.ClientId).OrderBy(g => g.SetAt).Select(g => new { g.Text, g.Status }).ToListAsync();
        Assert.Equal([("Sleep better", GoalStatus.WorkingOnIt), ("Walk more", GoalStatus.WorkingOnIt)], stored.Select(g => (g.Text, g.Status)));

        var good = await edit.HandleAllAsync([new(first.Id, "Sleep eight hours", GoalStatus.Achieved), new(second.Id, "Walk more", GoalStatus.Dropped)]);
        Assert.True(good.Succeeded);
        stored = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == viewer.ClientId).OrderBy(g => g.SetAt).Select(g => new { g.Text, g.Status }).ToListAsync();
        Assert.Equal([("Sleep eight hours", GoalStatus.Achieved), ("Walk more", GoalStatus.Dropped)], stored.Select(g => (g.Text, g.Status)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EditingGoals_WithNoStatusOnOne_SavesNone_AndDoesNotReopenAnAchievedGoal(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client5);
        await using var dbScope = database.As(viewer);
        var db = dbScope.Db;
        var first = (await dbScope.Get<SetGoal>().HandleAsync("Sleep better")).Value!;
        var second = (await dbScope.Get<SetGoal>().HandleAsync("Walk more")).Value!;
        var edit = dbScope.Get<EditGoal>();
        Assert.True((await edit.HandleAllAsync([new(first.Id, "Sleep better", GoalStatus.Achieved), new(second.Id, "Walk more", GoalStatus.WorkingOnIt)])).Succeeded);

        var missing = await edit.HandleAllAsync([new(first.Id, "Sleep better", null), new(second.Id, "Walk a lot more", GoalStatus.Dropped)]);

        Assert.Equal("Please choose how this goal stands.", missing.Errors[EditGoal.StatusField(0)]);
        var stored = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == viewer.ClientId).OrderBy(g => g.SetAt).Select(g => new { g.Text, g.Status }).ToListAsync();
        Assert.Equal([("Sleep better", GoalStatus.Achieved), ("Walk more", GoalStatus.WorkingOnIt)], stored.Select(g => (g.Text, g.Status)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EditingGoals_WithSomeoneElsesGoalOrTooManyReopened_SavesNone(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid othersGoal;
        await using (var otherScope = await database.As(Personas.Client3))
        {
            var other = otherScope.Db;
            othersGoal = (await otherScope.Get<SetGoal>().HandleAsync("Someone else's goal")).Value!.Id;
        }

        var viewer = await database.ViewerForAsync(Personas.Client5);
        await using var dbScope = database.As(viewer);
        var db = dbScope.Db;
        var set = dbScope.Get<SetGoal>();
        var goals = new List<Guid>();
        for (var i = 0; i < ClientGoal.MaxOpen; i++)
        {
            goals.Add((await set.HandleAsync($"Goal {i}")).Value!.Id);
        }

        var edit = dbScope.Get<EditGoal>();
        Assert.True((await edit.HandleAllAsync([new(goals[0], "Goal 0", GoalStatus.Achieved)])).Succeeded);
        goals.Add((await set.HandleAsync("A new goal in its place")).Value!.Id);

        var foreign = await edit.HandleAllAsync([new(goals[1], "Goal 1 changed", GoalStatus.Dropped), new(othersGoal, "Mine now", GoalStatus.Dropped)]);
        var reopened = await edit.HandleAllAsync([new(goals[0], "Goal 0", GoalStatus.WorkingOnIt), new(goals[1], "Goal 1 changed", GoalStatus.WorkingOnIt)]);

        Assert.False(foreign.Succeeded);
        Assert.True(foreign.Errors.ContainsKey(EditGoal.StatusField(1)));
        Assert.False(reopened.Succeeded);
        Assert.True(reopened.Errors.ContainsKey(EditGoal.StatusField(0)));
        var stored = await db.ClientGoals.AsNoTracking().Where(g => g.ClientId == viewer.ClientId).ToDictionaryAsync(g => g.Id, g => (g.Text, g.Status));
        Assert.Equal(("Goal 0", GoalStatus.Achieved), stored[goals[0]]);
        Assert.Equal(("Goal 1", GoalStatus.WorkingOnIt), stored[goals[1]]);
        await using var system = database.Open(Rapport.Access.Viewer.System);
        Assert.Equal("Someone else's goal", (await system.ClientGoals.SingleAsync(g => g.Id == othersGoal)).Text);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BadGoal_GetsAClearError_AndChangesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var viewer = await database.ViewerForAsync(Personas.Client5);
        await using var dbScope = database.As(viewer);
        var db = dbScope.Db;
        var set = dbScope.Get<SetGoal>();

        var empty = await set.HandleAsync("   ");
        var tooLong = await set.HandleAsync(new string('x', ClientGoal.MaxLength + 1));
        var good = await set.HandleAsync("Sleep better");
        var badEdit = await dbScope.Get<EditGoal>().HandleAsync(good.Value!.Id, "", GoalStatus.Dropped);

        Assert.Equal("Please write your goal in a few words.", empty.Errors[SetGoal.TextField]);
        Assert.Equal($"Please keep your goal to {ClientGoal.MaxLength} characters (it is {ClientGoal.MaxLength + 1}).", tooLong.Errors[SetGoal.TextField]);
        Assert.False(badEdit.Succeeded);
        var only = await db.ClientGoals.AsNoTracking().SingleAsync(g => g.ClientId == viewer.ClientId);
        Assert.Equal(("Sleep better", GoalStatus.WorkingOnIt), (only.Text, only.Status));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CouplePartner_NeverSeesTheOthersGoals_NorCanTheTherapistEditThem(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var me = await database.ViewerForAsync(Personas.Client11);
        var partner = await database.ViewerForAsync(Personas.Client12);
        Guid goalId;
        await using (var dbScope = database.As(me))
        {
            var db = dbScope.Db;
            goalId = (await dbScope.Get<SetGoal>().HandleAsync("Say what I need without shouting")).Value!.Id;
        }

        await using (var dbScope = database.As(partner))
        {
            var db = dbScope.Db;
            Assert.False(await db.ClientGoals.AnyAsync(g => g.ClientId == me.ClientId));
            Assert.Empty(await dbScope.Get<GetClientGoals>().HandleAsync(me.ClientId!.Value));
            Assert.True((await dbScope.Get<EditGoal>().HandleAsync(goalId, "changed", GoalStatus.Dropped)).NotFound);
            var shared = await dbScope.Get<GetWhatIShared>().HandleAsync();
            Assert.DoesNotContain(shared!.Goals, g => g.Text.Contains("shouting", StringComparison.Ordinal));
        }

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            Assert.Contains(await dbScope.Get<GetClientGoals>().HandleAsync(me.ClientId!.Value), g => g.Text == "Say what I need without shouting");
            Assert.True((await dbScope.Get<EditGoal>().HandleAsync(goalId, "changed", GoalStatus.Dropped)).NotFound);
        }

        await using (var dbScope = await database.As(Personas.Therapist2))
        {
            var db = dbScope.Db;
            Assert.Empty(await dbScope.Get<GetClientGoals>().HandleAsync(me.ClientId!.Value));
        }

        await using (var dbScope = await database.As(Personas.HarbourAdmin))
        {
            var db = dbScope.Db;
            Assert.False(await db.ClientGoals.AnyAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ClientNote_ShowsNotYetRead_UntilTheTherapistMarksItRead(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client = await database.ViewerForAsync(Personas.Client3);
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            Assert.True((await dbScope.Get<LeaveNote>().HandleAsync("I found last week hard.")).Value);
            var before = await dbScope.Get<GetWhatIShared>().HandleAsync();
            Assert.Null(Assert.Single(before!.Notes).ReadAt);
        }

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            Assert.Equal(1, await dbScope.Get<MarkClientNotesRead>().HandleAsync(client.ClientId!.Value));
        }

        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            var after = await dbScope.Get<GetWhatIShared>().HandleAsync();
            var note = Assert.Single(after!.Notes);
            Assert.Equal("I found last week hard.", note.Text);
            Assert.NotNull(note.ReadAt);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DemoClient_HasAPreferenceProfile_ThatOnlyTheyAndTheirCareTeamSee(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var client11 = await database.ClientIdAsync(Personas.Client11);

        await using (var dbScope = await database.As(Personas.Client11))
        {
            var db = dbScope.Db;
            var mine = await dbScope.Get<GetPreferenceProfile>().MineAsync();
            Assert.NotNull(mine);
            Assert.Equal(4, mine.Scales.Count);
            Assert.All(mine.Scales, s => Assert.NotEqual(PreferenceLean.NotAnswered, s.Lean));
        }

        await using (var dbScope = await database.As(Personas.Client12))
        {
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<GetPreferenceProfile>().HandleAsync(client11));
        }

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            Assert.NotNull(await dbScope.Get<GetPreferenceProfile>().HandleAsync(client11));
        }

        await using (var dbScope = await database.As(Personas.Therapist2))
        {
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<GetPreferenceProfile>().HandleAsync(client11));
        }
    }
}
