using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rapport.Access;
using Rapport.Consents;
using Rapport.Listening;
using Rapport.Persistence;

namespace Rapport.Tests.Listening;

public sealed class TranscriptTests
{
    internal const string Session =
        "Therapist: What brings you here today?\n"
        + "Client: I have been feeling really sad and lonely since the divorce.\n"
        + "Therapist: Did you sleep well last night?\n"
        + "Client: Not really. I feel hopeless most days.\n"
        + "Therapist: It sounds like the sadness has been weighing on you for a long time.\n"
        + "Client: Yes, it has.\n";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Upload_WithoutTheClientsConsent_IsRefused_AndNothingIsStored(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var sessionId = await FirstAttendedSessionAsync(database, Personas.Client3);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<UploadTranscript>().HandleAsync(sessionId, "session.txt", Text(Session), null);

        Assert.Contains("consent", outcome.Errors["File"], StringComparison.Ordinal);
        Assert.Equal(0, await db.SessionTranscripts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BrokenTranscript_IsRejectedWithLineNumbers_AndNothingIsStored(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var sessionId = await FirstAttendedSessionAsync(database, Personas.Client3);
        await ConsentAsync(database, Personas.Client3);
        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;

        var outcome = await dbScope.Get<UploadTranscript>().HandleAsync(sessionId, "../../etc/session.vtt", Text("WEBVTT\n\n00:00:01.000 --> garbage\n<v Therapist>Hello\n"), null);

        Assert.Contains("Line 3", outcome.Errors["File"], StringComparison.Ordinal);
        Assert.Equal(0, await db.SessionTranscripts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConsentedTranscript_IsAnalysed_SeenOnlyByTheCareTeamAndSupervisor_AndDeletingKeepsTheNumbers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var sessionId = await FirstAttendedSessionAsync(database, Personas.Client3);
        await ConsentAsync(database, Personas.Client3);
        Guid id;
        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<UploadTranscript>().HandleAsync(sessionId, "C:\\Users\\sam\\session.txt", Text(Session), null);
            Assert.True(outcome.Succeeded, string.Join(";", outcome.Errors.Values));
            Assert.Equal("session.txt", outcome.Value!.FileName);
            id = outcome.Value.Id;
        }

        await Worker(database).AnalyseAsync(id, CancellationToken.None);

        // At rest, the words are ciphertext (AES-256-GCM), never the client's sentences.
        await using (var raw = database.Open(Viewer.System))
        {
            var stored = await raw.Database.SqlQueryRaw<string>("SELECT \"Content\" AS \"Value\" FROM \"SessionTranscripts\"").SingleAsync();
            var report = await raw.Database.SqlQueryRaw<string>("SELECT \"ReportJson\" AS \"Value\" FROM \"SessionTranscripts\"").SingleAsync();
            Assert.StartsWith(Rapport.Privacy.FieldEncryption.Prefix, stored, StringComparison.Ordinal);
            Assert.StartsWith(Rapport.Privacy.FieldEncryption.Prefix, report, StringComparison.Ordinal);
            Assert.DoesNotContain("divorce", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("divorce", report, StringComparison.Ordinal);
        }

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var report = await dbScope.Get<ListeningReviews>().ReportAsync(id);
            Assert.NotNull(report);
            Assert.Equal(TranscriptStatus.Analysed, report.Status);
            Assert.Equal(3, report.Summary!.TherapistUtterances);
            Assert.Equal(6, report.Report!.RootElement.GetProperty("utterances").GetArrayLength());
        }

        foreach (var outsider in new[] { Personas.Therapist2, Personas.HarbourAdmin, Personas.Client3, Personas.NorthsideTherapist })
        {
            await using var dbScope = await database.As(outsider);
            var db = dbScope.Db;
            Assert.False(await db.SessionTranscripts.AnyAsync(), outsider);
        }

        await using (var dbScope = await database.As(Personas.Supervisor))
        {
            var db = dbScope.Db;
            Assert.Single(await dbScope.Get<ListeningReviews>().TrendAsync());
        }

        await using (var dbScope = await database.As(Personas.Therapist1))
        {
            var db = dbScope.Db;
            var reviews = dbScope.Get<ListeningReviews>();
            Assert.True(await reviews.DeleteWordsAsync(id));
            var after = await reviews.ReportAsync(id);
            Assert.Equal(TranscriptStatus.Deleted, after!.Status);
            Assert.Null(after.Report);
            Assert.Equal(3, after.Summary!.TherapistUtterances);
        }

        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            Assert.Null(await db.SessionTranscripts.Select(t => t.Content).SingleAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithdrawnConsent_StopsTheNextUpload(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var sessionId = await FirstAttendedSessionAsync(database, Personas.Client3);
        await ConsentAsync(database, Personas.Client3);
        await using (var clientScope = await database.As(Personas.Client3))
        {
            var client = clientScope.Db;
            Assert.True(await clientScope.Get<ConsentLedger>().WithdrawAsync(ConsentKind.TranscriptAnalysis));
            var history = await clientScope.Get<ConsentLedger>().MineAsync();
            Assert.NotNull(Assert.Single(history).WithdrawnAt);
        }

        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var outcome = await dbScope.Get<UploadTranscript>().HandleAsync(sessionId, "session.txt", Text(Session), null);

        Assert.False(outcome.Succeeded);
    }

    internal static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    // The worker as the host runs it: from the container, resolving its features in a scope for the system viewer.
    internal static TranscriptAnalysisWorker Worker(TestDatabase database) =>
        database.Services.GetServices<IHostedService>().OfType<TranscriptAnalysisWorker>().Single();

    internal static async Task ConsentAsync(TestDatabase database, string email)
    {
        await using var dbScope = await database.As(email);
        var db = dbScope.Db;
        Assert.True((await dbScope.Get<ConsentLedger>().GiveAsync(ConsentKind.TranscriptAnalysis)).Succeeded);
    }

    internal static async Task<Guid> FirstAttendedSessionAsync(TestDatabase database, string clientEmail)
    {
        var clientId = await database.ClientIdAsync(clientEmail);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        return await db.Sessions
            .Where(s => s.Status == Rapport.Sessions.SessionStatus.Attended && s.Episode!.Format == Rapport.Episodes.EpisodeFormat.Individual && s.Episode.Members.Any(m => m.ClientId == clientId))
            .OrderBy(s => s.StartsAt).Select(s => s.Id).FirstAsync();
    }
}
