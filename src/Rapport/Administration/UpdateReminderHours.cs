using Rapport.Access;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Audit;

namespace Rapport.Administration;

/// <summary>
/// The practice's quiet hours: no check-in reminder is emailed between these local times; one that falls due in them
/// waits until they end. Set by a practice admin. The same start and end means no quiet hours.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class UpdateReminderHours(RapportDb db)
{
    public sealed class Form
    {
        public TimeOnly? QuietHoursStart { get; set; }
        public TimeOnly? QuietHoursEnd { get; set; }
        public string? TimeZone { get; set; }
    }

    public async Task<Form?> LoadAsync(CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        return practice is null ? null : new Form { QuietHoursStart = practice.QuietHoursStart, QuietHoursEnd = practice.QuietHoursEnd, TimeZone = practice.TimeZone };
    }

    public async Task<Outcome<Form>> HandleAsync(Form form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<Form>.Missing();
        }

        if (form.QuietHoursStart is not { } start || form.QuietHoursEnd is not { } end)
        {
            return Outcome<Form>.Invalid(nameof(Form.QuietHoursStart), "Enter when quiet hours start and end (the same time for none).");
        }

        practice.QuietHoursStart = start;
        practice.QuietHoursEnd = end;
        await db.SaveChangesAsync(cancellationToken);
        return Outcome<Form>.Ok(new Form { QuietHoursStart = start, QuietHoursEnd = end, TimeZone = practice.TimeZone });
    }
}
