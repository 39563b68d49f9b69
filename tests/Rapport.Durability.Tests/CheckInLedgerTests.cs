using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Measures;
using Rapport.Persistence;

namespace Rapport.Durability.Tests;

/// <summary>The check the crash and failover tests rest on finds a lost answer and a half-written response.</summary>
public sealed class CheckInLedgerTests
{
    [Fact]
    public async Task Ledger_ReportsAnAcknowledgedAnswerThatIsNotStored_AndAResponseMissingItsAnswersAndAudit()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var since = DateTime.UtcNow.AddSeconds(-1);
        var client = await database.ViewerForAsync(Personas.Client3);
        Guid episode;
        await using (var db = database.Open(Viewer.System))
        {
            episode = await db.Episodes.IgnoreQueryFilters().Where(e => e.Members.Any(m => m.ClientId == client.ClientId)).Select(e => e.Id).FirstAsync();
            var practice = await db.Episodes.IgnoreQueryFilters().Where(e => e.Id == episode).Select(e => e.PracticeId).FirstAsync();
            // A response with two of nine answers, written past the context's audit (as a torn write would leave it).
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO MeasureResponses (Id, PracticeId, EpisodeId, ClientId, InstrumentId, SubmittedAt, AnswersJson, Total) VALUES ({0}, {1}, {2}, {3}, 'gad-7', {4}, '{{\"1\":1,\"2\":1}}', 2)",
                Guid.CreateVersion7(), practice, episode, client.ClientId!.Value, DateTime.UtcNow);
        }

        var log = new AcknowledgedLog();
        log.Answers.Enqueue(new AcknowledgedAnswer(Personas.Client3, episode, "phq-9", "1", 3));

        var problems = await CheckInLedger.ProblemsAsync(database.Options, log, since);

        Assert.Contains(problems, p => p.StartsWith("lost: ", StringComparison.Ordinal) && p.Contains("phq-9/1=3", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("partial: gad-7 response", StringComparison.Ordinal));
    }
}
