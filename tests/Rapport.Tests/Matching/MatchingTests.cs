using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Matching;
using Rapport.Persistence;
using Rapport.Testing;

namespace Rapport.Tests.Matching;

public sealed class MatchingTests
{
    private const string Harbour = "harbour";

    private static MatchIntake LowMoodIntake() => new()
    {
        ConcernsInTheirWords = "I have felt flat since the winter and stopped seeing friends.",
        Concerns = ["low-mood"],
        Style = new() { ["therapist-directiveness-vs-client-directiveness"] = "first" },
        Format = "individual",
        Mode = "video",
        Times = ["weekday-mornings"],
        MaxFee = 70,
    };

    private static async Task<FindTherapists.Results> FindAsync(TestDatabase database, MatchIntake intake, string slug = Harbour)
    {
        await using var visitor = database.As(Viewer.Anonymous);
        var found = await visitor.Get<FindTherapists>().HandleAsync(slug, intake);
        Assert.True(found.Succeeded, string.Join("; ", found.Errors.Values));
        return found.Value!;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Intake_ReturnsTheApprovedTherapistsRanked_EachWithAPlainExplanation(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var results = await FindAsync(database, LowMoodIntake());

        // The five demo profiles (supervisor, therapist1-4) are approved and accepting.
        Assert.Equal(5, results.Therapists.Count);
        Assert.Equal([1, 2, 3, 4, 5], results.Therapists.Select(t => t.Place));
        // Sam Okafor (therapist1) works with low mood, is directive, offers individual work by video on weekday mornings
        // within the fee: everything asked for fits.
        var first = results.Therapists[0];
        Assert.Equal("Sam Okafor", first.Name);
        Assert.Contains("Works with low mood or depression.", first.Fits);
        Assert.Contains(first.Fits, f => f.StartsWith("You prefer therapist directiveness; they describe", StringComparison.Ordinal));
        Assert.Contains("Sees clients video.", first.Fits.Select(f => f.Replace("by ", "", StringComparison.Ordinal)));
        Assert.Empty(first.DoesNotFit);
        // Priya Nair (therapist2) leans to client directiveness, in person only, afternoons and evenings: each miss said.
        var priya = results.Therapists.Single(t => t.Name == "Priya Nair");
        Assert.Contains(priya.DoesNotFit, f => f.Contains("leaning towards client directiveness", StringComparison.Ordinal));
        Assert.Contains("Does not see clients video.", priya.DoesNotFit.Select(f => f.Replace("by ", "", StringComparison.Ordinal)));
        Assert.Contains(priya.DoesNotFit, f => f.StartsWith("Not available at the times you chose", StringComparison.Ordinal));
        Assert.True(results.Therapists.ToList().IndexOf(priya) > 0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OutcomeFigure_OnlyForTherapistsWhoOptedIn_AndOnlyAtOrAboveTheMinimumN(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var results = await FindAsync(database, new MatchIntake { Concerns = ["low-mood", "anxiety", "grief"] });

        // Only concerns an instrument measures get an outcome line (low mood → PHQ-9, worry → GAD-7; grief none).
        Assert.All(results.Therapists, t => Assert.Equal(["PHQ-9", "GAD-7"], t.Outcomes.Select(o => o.Instrument)));

        // therapist1 opted in with 11 finished courses in the last year (12 former clients, one drop-out): figures with n and interval.
        var sam = results.Therapists.Single(t => t.Name == "Sam Okafor");
        foreach (var line in sam.Outcomes)
        {
            Assert.NotNull(line.Percent);
            Assert.True(line.N >= 10, $"n = {line.N}");
            Assert.InRange(line.Percent!.Value, line.Lower!.Value, line.Upper!.Value);
            Assert.Contains("95 % interval", line.Words, StringComparison.Ordinal);
        }

        // therapist2 has enough finished courses too, but did not opt in: no figure, and a plain reason.
        var priya = results.Therapists.Single(t => t.Name == "Priya Nair");
        Assert.All(priya.Outcomes, o => Assert.Null(o.Percent));
        Assert.All(priya.Outcomes, o => Assert.Contains("has not chosen to show their outcomes", o.Words, StringComparison.Ordinal));

        // therapist3 opted in with 4 courses, the new therapist4 with none: below the minimum, no figure and no count.
        foreach (var name in new[] { "Tom Lindqvist", "Jo Whitfield" })
        {
            var t = results.Therapists.Single(x => x.Name == name);
            Assert.All(t.Outcomes, o => Assert.Null(o.Percent));
            Assert.All(t.Outcomes, o => Assert.Null(o.N));
            Assert.All(t.Outcomes, o => Assert.Contains("fewer than 10 clients", o.Words, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NewTherapist_WithNoOutcomeData_IsNotPushedDown_AndEqualFitsRotateByDay(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // Jo Whitfield (new, no clients) and Sam Okafor (figures shown) both work with low mood and anxiety, by video,
        // in English: with only those asked, their scores are equal, so outcomes would be the only difference.
        var intake = new MatchIntake { Concerns = ["low-mood", "anxiety"], Mode = "video", Language = "English" };
        var results = await FindAsync(database, intake);
        var top = results.Therapists.Take(2).Select(t => t.Name).ToHashSet();
        Assert.Equal(new HashSet<string> { "Sam Okafor", "Jo Whitfield" }, top);

        // Their order is the rotation of the day, not seniority or results: over a fortnight each leads on some days.
        var leaders = new HashSet<string>();
        var candidates = results.Therapists.Take(2).Select(t => new RankTherapists.Candidate(t.ProfileId, t.Name, new ProfileContent())).ToList();
        for (var day = 0; day < 14; day++)
        {
            leaders.Add(RankTherapists.Rank(intake.Validate().Value!, candidates, new DateOnly(2026, 12, 1).AddDays(day))[0].Candidate.Name);
        }

        Assert.Equal(2, leaders.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherPracticesTherapists_NeverAppear_AndAnUnknownPracticeIsNotFound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // Northside's therapist writes and gets approved a profile in their own practice.
        await using (var north = await database.As(Personas.NorthsideTherapist))
        {
            Assert.True((await north.Get<EditMyProfile>().SendAsync(AProfile(), null)).Succeeded);
            var row = (await north.Get<ApproveProfiles>().AllAsync()).Single();
            Assert.True((await north.Get<ApproveProfiles>().ApproveAsync(row.Id, row.Version)).Succeeded);
        }

        var harbour = await FindAsync(database, new MatchIntake());
        var northside = await FindAsync(database, new MatchIntake(), "northside");
        Assert.DoesNotContain(harbour.Therapists, t => t.Name == "Alex Byrne");
        Assert.Equal(["Alex Byrne"], northside.Therapists.Select(t => t.Name));

        await using var visitor = database.As(Viewer.Anonymous);
        Assert.True((await visitor.Get<FindTherapists>().HandleAsync("nowhere", new MatchIntake())).NotFound);
        // A Harbour profile id asked for under Northside's address is not found either.
        Assert.Null(await visitor.Get<GetPublicProfile>().HandleAsync("northside", harbour.Therapists[0].ProfileId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UnapprovedProfile_IsNeverPublic_AndAnEditWaitsWhileTheApprovedVersionStaysPublic(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var sam = (await FindAsync(database, new MatchIntake())).Therapists.Single(t => t.Name == "Sam Okafor");

        await using (var therapist = await database.As(Personas.Therapist1))
        {
            var mine = await therapist.Get<EditMyProfile>().MineAsync();
            var edited = mine!.Form;
            edited.Bio = "An edited bio the admin has not seen.";
            Assert.True((await therapist.Get<EditMyProfile>().SendAsync(edited, mine.Version)).Succeeded);
        }

        await using (var visitor = database.As(Viewer.Anonymous))
        {
            var shown = await visitor.Get<GetPublicProfile>().HandleAsync(Harbour, sam.ProfileId);
            Assert.NotNull(shown);
            Assert.DoesNotContain("edited bio", shown!.Profile.Bio, StringComparison.Ordinal);
        }

        // The admin asks for changes (a reason is required); the approved version still stands.
        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            var row = (await admin.Get<ApproveProfiles>().AllAsync()).Single(r => r.TherapistName == "Sam Okafor");
            Assert.Equal(ProfileStatus.AwaitingApproval, row.Status);
            Assert.False((await admin.Get<ApproveProfiles>().RequestChangesAsync(row.Id, row.Version, " ")).Succeeded);
            Assert.True((await admin.Get<ApproveProfiles>().RequestChangesAsync(row.Id, row.Version, "Please add your qualifications.")).Succeeded);
        }

        await using (var therapist = await database.As(Personas.Therapist1))
        {
            var mine = await therapist.Get<EditMyProfile>().MineAsync();
            Assert.Equal(ProfileStatus.ChangesRequested, mine!.Status);
            Assert.Equal("Please add your qualifications.", mine.ChangesReason);
        }

        // A therapist who never had a profile approved is nowhere public, by list or by id.
        await using (var t2 = await database.As(Personas.Therapist2))
        {
            await using var system = database.Open(Viewer.System);
            var priya = await system.TherapistProfiles.SingleAsync(p => p.StaffMemberId == t2.Viewer.StaffMemberId);
            await system.TherapistProfiles.Where(p => p.Id == priya.Id).ExecuteUpdateAsync(p => p
                .SetProperty(x => x.PublishedAt, (DateTime?)null).SetProperty(x => x.PublishedJson, (string?)null).SetProperty(x => x.Status, ProfileStatus.AwaitingApproval));
            var results = await FindAsync(database, new MatchIntake());
            Assert.DoesNotContain(results.Therapists, t => t.Name == "Priya Nair");
            await using var visitor = database.As(Viewer.Anonymous);
            Assert.Null(await visitor.Get<GetPublicProfile>().HandleAsync(Harbour, priya.Id));
        }

        // Another therapist cannot approve, and the admin of another practice does not find the profile.
        await using (var other = await database.As(Personas.Therapist2))
        {
            Assert.Empty(await other.Get<ApproveProfiles>().AllAsync());
            Assert.True((await other.Get<ApproveProfiles>().ApproveAsync(sam.ProfileId, Guid.NewGuid())).NotFound);
        }

        await using (var north = await database.As(Personas.NorthsideTherapist))
        {
            Assert.True((await north.Get<ApproveProfiles>().ApproveAsync(sam.ProfileId, Guid.NewGuid())).NotFound);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PlainSearch_StoresNothing_AndBadInputIsAClearErrorThatStoresNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var before = await CountsAsync(database);

        await FindAsync(database, LowMoodIntake());
        await using (var visitor = database.As(Viewer.Anonymous))
        {
            var bad = await visitor.Get<FindTherapists>().HandleAsync(Harbour, new MatchIntake { Concerns = ["not-a-concern"], Format = "family", MaxFee = -5, Style = new() { ["x"] = "first" } });
            Assert.Equal(["Concerns", "Format", "MaxFee", "Style"], bad.Errors.Keys.Order(StringComparer.Ordinal));

            var noConsent = await visitor.Get<AskToBeContacted>().HandleAsync(Harbour, LowMoodIntake(), new AskToBeContacted.ContactForm { Name = "Robin", Contact = "robin@example.org", TherapistProfileId = Guid.NewGuid(), Consent = false });
            Assert.Contains("Consent", noConsent.Errors.Keys);
            Assert.Contains("TherapistProfileId", noConsent.Errors.Keys);
            var noContact = await visitor.Get<AskToBeContacted>().HandleAsync(Harbour, LowMoodIntake(), new AskToBeContacted.ContactForm { Name = "", Contact = "soon", Consent = true });
            Assert.Contains("Name", noContact.Errors.Keys);
            Assert.Contains("Contact", noContact.Errors.Keys);
        }

        Assert.Equal(before, await CountsAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AskingToBeContacted_WithConsent_IsAReferralForTheAdminAndTheChosenTherapistOnly_EncryptedAndAudited(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var jo = (await FindAsync(database, LowMoodIntake())).Therapists.Single(t => t.Name == "Jo Whitfield");
        await using (var visitor = database.As(Viewer.Anonymous))
        {
            var sent = await visitor.Get<AskToBeContacted>().HandleAsync(Harbour, LowMoodIntake(),
                new AskToBeContacted.ContactForm { Name = "Robin Example", Contact = "robin@example.org", TherapistProfileId = jo.ProfileId, Consent = true });
            Assert.True(sent.Succeeded, string.Join("; ", sent.Errors.Values));
        }

        foreach (var who in new[] { Personas.HarbourAdmin, Personas.Therapist4 })
        {
            await using var staff = await database.As(who);
            var row = Assert.Single(await staff.Get<GetReferrals>().HandleAsync());
            Assert.Equal("Robin Example", row.Name);
            Assert.Equal("Jo Whitfield", row.Therapist);
            Assert.Equal(["Low mood or depression"], row.Concerns);
            Assert.Contains("stopped seeing friends", row.ConcernsInTheirWords, StringComparison.Ordinal);
            Assert.StartsWith("I agree that this practice keeps my name", row.ConsentWording, StringComparison.Ordinal);
        }

        foreach (var who in new[] { Personas.Therapist1, Personas.Supervisor, Personas.NorthsideTherapist, Personas.Client1 })
        {
            await using var other = await database.As(who);
            Assert.Empty(await other.Get<GetReferrals>().HandleAsync());
        }

        await using var system = database.Open(Viewer.System);
        var referral = await system.MatchReferrals.SingleAsync();
        Assert.True(await system.AuditEntries.AnyAsync(e => e.RecordType == nameof(MatchReferral) && e.RecordId == referral.Id.ToString() && e.Action == Rapport.Audit.AuditAction.Create));
        Assert.Equal(2, await system.AuditEntries.CountAsync(e => e.RecordType == nameof(MatchReferral) && e.RecordId == referral.Id.ToString() && e.Action == Rapport.Audit.AuditAction.Read));

        // Name, contact and their words are ciphertext in the database.
        var connection = system.Database.GetDbConnection();
        await connection.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT \"Name\", \"Contact\", \"ConcernsInTheirWords\" FROM \"MatchReferrals\"";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            for (var i = 0; i < 3; i++)
            {
                var stored = reader.GetString(i);
                Assert.DoesNotContain("Robin", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("robin@", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("friends", stored, StringComparison.Ordinal);
            }
        }

        // The consent promises deletion on request: only the practice admin deletes it (the chosen therapist cannot).
        await using (var jo4 = await database.As(Personas.Therapist4))
        {
            Assert.False(await jo4.Get<DeleteReferral>().HandleAsync(referral.Id));
        }

        await using (var admin = await database.As(Personas.HarbourAdmin))
        {
            Assert.True(await admin.Get<DeleteReferral>().HandleAsync(referral.Id));
        }

        Assert.Equal(0, await system.MatchReferrals.CountAsync());
        Assert.True(await system.AuditEntries.AnyAsync(e => e.RecordId == referral.Id.ToString() && e.Action == Rapport.Audit.AuditAction.Delete));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ProfileFreeText_IsEncryptedAtRest(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var system = database.Open(Viewer.System);
        var connection = system.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"DraftJson\", \"PublishedJson\" FROM \"TherapistProfiles\"";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            // A JSON key has quotes, which ciphertext (base64) never holds; a sentence of a demo bio neither.
            foreach (var stored in new[] { reader.GetString(0), reader.GetString(1) })
            {
                Assert.DoesNotContain("\"bio\"", stored, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("practice", stored, StringComparison.Ordinal);
            }
        }

        Assert.Equal(5, rows);
    }

    private static ProfileForm AProfile() => new()
    {
        Bio = "I work with low mood.",
        Concerns = ["low-mood"],
        Formats = ["individual"],
        Modes = ["video"],
        Languages = "English",
        Times = ["weekends"],
        Fee = 50,
        AcceptingNewClients = true,
        Style = Rapport.Clinical.Matching.StyleFit.Scales.ToDictionary(s => s.ScaleId, _ => (int?)0),
    };

    private static async Task<(int Referrals, int Profiles, int Audit)> CountsAsync(TestDatabase database)
    {
        await using var system = database.Open(Viewer.System);
        return (await system.MatchReferrals.CountAsync(), await system.TherapistProfiles.CountAsync(), await system.AuditEntries.CountAsync());
    }
}
