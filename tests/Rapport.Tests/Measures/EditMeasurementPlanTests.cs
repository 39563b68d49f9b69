using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.CheckIns;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.Tests.Measures;

/// <summary>The practice's default plan and an episode's own plan change what a client is asked.</summary>
public sealed class EditMeasurementPlanTests
{
    private const string Client3 = Personas.Client3;

    private static EditMeasurementPlan.Form Only(EditMeasurementPlan.View view, string id, MeasureTiming timing)
    {
        var form = view.Form;
        form.UseDefault = false;
        foreach (var item in form.Items)
        {
            item.Included = item.InstrumentId == id;
            item.Timing = item.InstrumentId == id ? timing : item.Timing;
        }

        return form;
    }

    private static async Task<Guid> EpisodeOfAsync(TestDatabase database, string email)
    {
        var clientId = await database.ClientIdAsync(email);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        return await db.EpisodeMembers.Where(m => m.ClientId == clientId && m.Episode!.Status != global::Rapport.Episodes.EpisodeStatus.Ended).Select(m => m.EpisodeId).FirstAsync();
    }

    private static async Task<string?> FirstAskedAsync(TestDatabase database)
    {
        await using var dbScope = await database.As(Client3);
        var db = dbScope.Db;
        return (await dbScope.Get<GetCheckIn>().HandleAsync())?.Instrument?.InstrumentId;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EpisodePlan_ChangesWhatTheClientIsAsked_AndBackToTheDefault(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var episodeId = await EpisodeOfAsync(database, Client3);
        Assert.Equal("phq-9", await FirstAskedAsync(database));

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var edit = dbScope.Get<EditMeasurementPlan>();
            var view = (await edit.LoadEpisodeAsync(episodeId))!;
            var outcome = await edit.SaveEpisodeAsync(episodeId, Only(view, "gad-7", MeasureTiming.BeforeEachSession));
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        }

        Assert.Equal("gad-7", await FirstAskedAsync(database));

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var edit = dbScope.Get<EditMeasurementPlan>();
            var form = (await edit.LoadEpisodeAsync(episodeId))!.Form;
            Assert.Equal([("gad-7", MeasureTiming.BeforeEachSession)], form.Items.Where(i => i.Included).Select(i => (i.InstrumentId, i.Timing)));
            form.UseDefault = true;
            Assert.True((await edit.SaveEpisodeAsync(episodeId, form)).Succeeded);
        }

        Assert.Equal("phq-9", await FirstAskedAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PracticeDefault_AppliesToEpisodesWithoutTheirOwnPlan(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var dbScope = await database.As(Personas.HarbourAdmin))
        {
            var db = dbScope.Db;
            var edit = dbScope.Get<EditMeasurementPlan>();
            var outcome = await edit.SavePracticeAsync(Only((await edit.LoadPracticeAsync())!, "gad-7", MeasureTiming.BeforeEachSession));
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        }

        Assert.Equal("gad-7", await FirstAskedAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BadPlans_AreRefused_AndChangeNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var episodeId = await EpisodeOfAsync(database, Client3);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var edit = dbScope.Get<EditMeasurementPlan>();

        var empty = (await edit.LoadEpisodeAsync(episodeId))!.Form;
        empty.UseDefault = false;
        empty.Items.ForEach(i => i.Included = false);
        var unknown = (await edit.LoadEpisodeAsync(episodeId))!.Form;
        unknown.UseDefault = false;
        unknown.Items.Add(new EditMeasurementPlan.Item { InstrumentId = "not-an-instrument", Included = true });
        var badTiming = (await edit.LoadEpisodeAsync(episodeId))!.Form;
        badTiming.UseDefault = false;
        badTiming.Items[0].Timing = (MeasureTiming)42;
        var stale = (await edit.LoadEpisodeAsync(episodeId))!.Form;
        stale.UseDefault = false;
        stale.Version = Guid.NewGuid();

        Assert.Equal("Choose at least one instrument, or follow the default plan.", (await edit.SaveEpisodeAsync(episodeId, empty)).Errors["Items"]);
        Assert.Contains("not an installed instrument", (await edit.SaveEpisodeAsync(episodeId, unknown)).Errors["Items"], StringComparison.Ordinal);
        Assert.Contains("Choose when", (await edit.SaveEpisodeAsync(episodeId, badTiming)).Errors["Items"], StringComparison.Ordinal);
        Assert.Contains("Someone else changed this plan", (await edit.SaveEpisodeAsync(episodeId, stale)).Errors["Version"], StringComparison.Ordinal);
        await using var check = database.Open(Viewer.System);
        Assert.Null(await check.Episodes.Where(e => e.Id == episodeId).Select(e => e.MeasurementPlan).SingleAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SupervisorsAndOtherTherapists_CannotChangeAnEpisodesPlan(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var episodeId = await EpisodeOfAsync(database, Client3);
        foreach (var email in new[] { Personas.Supervisor, Personas.Therapist2, Client3 })
        {
            await using var dbScope = await database.As(email);
            var db = dbScope.Db;
            Assert.Null(await dbScope.Get<EditMeasurementPlan>().LoadEpisodeAsync(episodeId));
            Assert.True((await dbScope.Get<EditMeasurementPlan>().SaveEpisodeAsync(episodeId, new EditMeasurementPlan.Form { Items = [new() { InstrumentId = "gad-7", Included = true }] })).NotFound);
        }
    }

    [Fact]
    public void UnavailableInstrument_IsOfferedButMarkedAsNotAskable()
    {
        var cnip = Assert.Single(EditMeasurementPlan.Options(InstrumentSource.BundledOnly), o => o.InstrumentId == "c-nip");

        Assert.False(cnip.Askable);
        Assert.Contains("not imported", cnip.WhyNot, StringComparison.Ordinal);
        Assert.Contains(EditMeasurementPlan.Options(InstrumentSource.BundledOnly), o => o.InstrumentId == "phq-9" && o.Askable);
    }
}
