using Rapport.CheckIns;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Preferences;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Preferences;

namespace Rapport.Tests.Preferences;

/// <summary>
/// The C-NIP ships without its wording, so the check-in does not ask it; once a practice imports the wording
/// (<c>rapport instruments import</c>), it is asked, and the client's answers become their preference profile.
/// </summary>
public sealed class CNipCheckInTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rapport-cnip-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private InstrumentSource ImportedCNip() => ImportedInstruments.WithCNip(_folder);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithoutImportedWording_TheCNipIsNotAsked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        database.Instruments = new InstrumentSource(_folder);
        await using var client = await database.As(Personas.Client5);

        var view = await client.Get<GetCheckIn>().HandleAsync();

        Assert.Equal(2, view!.Instrument!.InstrumentCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithImportedWording_TheCheckInAsksTheCNip_AndTheClientSeesTheirProfile(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        database.Instruments = ImportedCNip();
        await using var client = await database.As(Personas.Client5);
        var started = DateTime.UtcNow.AddSeconds(-1);
        var get = client.Get<GetCheckIn>();
        var answer = client.Get<AnswerQuestion>();

        var first = await get.HandleAsync();
        Assert.Equal(3, first!.Instrument!.InstrumentCount);
        var asked = new List<string>();
        for (var guard = 0; guard < 60 && await get.HandleAsync() is { Instrument: { } current }; guard++)
        {
            asked.Add(current.InstrumentId);
            if (current.InstrumentId == InstrumentCatalog.CNipId)
            {
                Assert.StartsWith("Test wording for C-NIP item", current.Question.Text, StringComparison.Ordinal);
            }

            // The lowest weight: 0 on the PHQ-9 and GAD-7 (no risk), −3 on the C-NIP (the first-named pole).
            var outcome = await answer.HandleAsync(current.InstrumentId, current.Question.LinkId, current.Question.Options.Min(o => o.Weight));
            Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors.Values));
        }

        Assert.Equal(18, asked.Count(a => a == InstrumentCatalog.CNipId));
        var profile = await client.Get<GetPreferenceProfile>().MineAsync(since: started);
        Assert.NotNull(profile);
        Assert.All(profile.Scales, s => Assert.Equal(PreferenceLean.FirstPole, s.Lean));
    }
}
