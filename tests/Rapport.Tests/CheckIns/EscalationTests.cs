using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Alerts;
using Rapport.Email;
using Rapport.Persistence;

namespace Rapport.Tests.CheckIns;

public sealed class EscalationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RiskAlert_UnacknowledgedForADay_EmailsTheSupervisorAndOnCallOnce_WithoutClinicalContent(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var dbScope = database.As(Viewer.System);
        var db = dbScope.Db;
        var harbour = await db.Practices.SingleAsync(p => p.Slug == "harbour");
        harbour.OnCallEmail = "oncall@harbour.example";
        await db.SaveChangesAsync();
        var waiting = await db.RiskAlerts.CountAsync(a => a.AcknowledgedAt == null && a.PracticeId == harbour.Id);
        var mailer = database.Mailer;

        var escalated = await dbScope.Get<EscalateRiskAlerts>().HandleAsync();
        var again = await dbScope.Get<EscalateRiskAlerts>().HandleAsync();

        Assert.True(waiting > 0);
        Assert.True(escalated >= waiting);
        Assert.Equal(0, again);
        Assert.Contains(mailer.Sent, m => m.To == Personas.Supervisor);
        Assert.Contains(mailer.Sent, m => m.To == "oncall@harbour.example");
        var clientNames = await db.Clients.Select(c => c.DisplayName).ToListAsync();
        Assert.All(mailer.Sent, m =>
        {
            Assert.DoesNotContain("PHQ", m.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Several days", m.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(clientNames, n => m.TextBody.Contains(n, StringComparison.Ordinal) || m.Subject.Contains(n, StringComparison.Ordinal));
        });
    }
}
