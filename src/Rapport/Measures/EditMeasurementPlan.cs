using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Clinical.Instruments;
using Rapport.Episodes;
using Rapport.Persistence;
using Rapport.Staff;

using Rapport.Practices;
using Rapport.Audit;

namespace Rapport.Measures;

/// <summary>
/// Which instruments are asked, and when: the practice's default (set by a practice admin) and an episode's own plan
/// (set by a therapist on its care team; supervisors read, they do not change it). Only installed instruments can be
/// chosen; one whose licensed wording has not been imported is shown as not yet askable and is skipped by the check-in
/// until it is.
/// </summary>
[Audits(AuditedAs.Writes)]
public sealed class EditMeasurementPlan(RapportDb db, InstrumentSource instruments)
{
    public sealed class Item
    {
        public string InstrumentId { get; set; } = "";
        public bool Included { get; set; }
        public MeasureTiming Timing { get; set; }
    }

    public sealed class Form
    {
        /// <summary>For an episode: follow the practice's default. For the practice: follow Rapport's default.</summary>
        public bool UseDefault { get; set; }
        public List<Item> Items { get; set; } = [];
        public Guid? Version { get; set; }
    }

    /// <summary>An instrument as the form shows it.</summary>
    public sealed record Option(string InstrumentId, string Title, bool Askable, string? WhyNot);

    public sealed record View(string Title, Guid? ClientId, IReadOnlyList<Option> Options, IReadOnlyList<PlannedMeasure> InForce, Form Form);

    /// <summary>Every installed instrument; askable as the check-in decides it (wording shipped or imported into this practice).</summary>
    public static IReadOnlyList<Option> Options(InstrumentSource instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var askable = instruments.Askable();
        return [.. InstrumentCatalog.All.Select(i => new Option(i.Id, i.Title, askable.Contains(i.Id),
            askable.Contains(i.Id) ? null : "its wording is not imported yet (rapport instruments import), so it is not asked until it is"))];
    }

    public async Task<View?> LoadPracticeAsync(CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        return practice is null ? null : Build("Default measurement plan", null, practice.MeasurementPlan, null, practice.Version);
    }

    public async Task<View?> LoadEpisodeAsync(Guid episodeId, CancellationToken cancellationToken = default)
    {
        var episode = await CareTeamEpisodeAsync(episodeId, cancellationToken);
        if (episode is null)
        {
            return null;
        }

        var practicePlan = await db.Practices.Where(p => p.Id == episode.PracticeId).Select(p => p.MeasurementPlan).FirstOrDefaultAsync(cancellationToken);
        var clientId = await db.EpisodeMembers.Where(m => m.EpisodeId == episodeId).OrderBy(m => m.JoinedOn).Select(m => (Guid?)m.ClientId).FirstOrDefaultAsync(cancellationToken);
        return Build(episode.Title, clientId, episode.MeasurementPlan, practicePlan, episode.Version);
    }

    public async Task<Outcome<IReadOnlyList<PlannedMeasure>>> SavePracticeAsync(Form form, CancellationToken cancellationToken = default)
    {
        var practice = await db.AdministeredPracticeAsync(cancellationToken);
        if (practice is null)
        {
            return Outcome<IReadOnlyList<PlannedMeasure>>.Missing();
        }

        var outcome = Read(form, practice.Version);
        if (outcome.Succeeded)
        {
            practice.MeasurementPlan = form.UseDefault ? null : MeasurementPlan.Format(outcome.Value!);
            if (!await TrySaveAsync(cancellationToken))
            {
                return Conflict();
            }
        }

        return outcome.Succeeded ? Outcome<IReadOnlyList<PlannedMeasure>>.Ok(MeasurementPlan.For(practice.MeasurementPlan, null)) : outcome;
    }

    public async Task<Outcome<IReadOnlyList<PlannedMeasure>>> SaveEpisodeAsync(Guid episodeId, Form form, CancellationToken cancellationToken = default)
    {
        var episode = await CareTeamEpisodeAsync(episodeId, cancellationToken);
        if (episode is null)
        {
            return Outcome<IReadOnlyList<PlannedMeasure>>.Missing();
        }

        var outcome = Read(form, episode.Version);
        if (outcome.Succeeded)
        {
            episode.MeasurementPlan = form.UseDefault ? null : MeasurementPlan.Format(outcome.Value!);
            if (!await TrySaveAsync(cancellationToken))
            {
                return Conflict();
            }
        }

        return outcome;
    }

    private View Build(string title, Guid? clientId, string? own, string? fallback, Guid version)
    {
        var inForce = MeasurementPlan.For(own, fallback);
        var options = Options(instruments);
        var known = inForce.ToDictionary(p => p.InstrumentId, StringComparer.OrdinalIgnoreCase);
        var defaults = MeasurementPlan.Default.ToDictionary(p => p.InstrumentId, StringComparer.OrdinalIgnoreCase);
        var form = new Form
        {
            UseDefault = string.IsNullOrWhiteSpace(own),
            Version = version,
            Items = [.. options.Select(o => new Item
            {
                InstrumentId = o.InstrumentId,
                Included = known.ContainsKey(o.InstrumentId),
                Timing = known.TryGetValue(o.InstrumentId, out var p) ? p.Timing
                    : defaults.TryGetValue(o.InstrumentId, out var d) ? d.Timing
                    : MeasureTiming.BeforeEachSession,
            })],
        };
        return new View(title, clientId, options, inForce, form);
    }

    // Checked before anything is stored: a plan the check-in could not follow is refused whole.
    private static Outcome<IReadOnlyList<PlannedMeasure>> Read(Form form, Guid currentVersion)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (form.Version is not { } version || version != currentVersion)
        {
            return Conflict();
        }

        if (form.UseDefault)
        {
            return Outcome<IReadOnlyList<PlannedMeasure>>.Ok([]);
        }

        var plan = new List<PlannedMeasure>();
        foreach (var item in form.Items.Where(i => i.Included))
        {
            if (!InstrumentCatalog.TryGet(item.InstrumentId ?? "", out var instrument))
            {
                return Outcome<IReadOnlyList<PlannedMeasure>>.Invalid(nameof(Form.Items), $"'{item.InstrumentId}' is not an installed instrument.");
            }

            if (!Enum.IsDefined(item.Timing))
            {
                return Outcome<IReadOnlyList<PlannedMeasure>>.Invalid(nameof(Form.Items), $"Choose when {instrument.Title} is asked.");
            }

            if (plan.Any(p => p.InstrumentId == instrument.Id))
            {
                return Outcome<IReadOnlyList<PlannedMeasure>>.Invalid(nameof(Form.Items), $"{instrument.Title} is in the plan twice.");
            }

            plan.Add(new PlannedMeasure(instrument.Id, item.Timing));
        }

        if (plan.Count == 0)
        {
            return Outcome<IReadOnlyList<PlannedMeasure>>.Invalid(nameof(Form.Items), "Choose at least one instrument, or follow the default plan.");
        }

        if (MeasurementPlan.Format(plan).Length > 400)
        {
            return Outcome<IReadOnlyList<PlannedMeasure>>.Invalid(nameof(Form.Items), "That plan is too long to keep; choose fewer instruments.");
        }

        return Outcome<IReadOnlyList<PlannedMeasure>>.Ok(plan);
    }

    private static Outcome<IReadOnlyList<PlannedMeasure>> Conflict() =>
        Outcome<IReadOnlyList<PlannedMeasure>>.Conflict(nameof(Form.Version), "Someone else changed this plan since you opened it. Nothing was saved: open it again to see their changes.");

    private async Task<bool> TrySaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }


    private async Task<CareEpisode?> CareTeamEpisodeAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        if (db.Viewer.StaffMemberId is null)
        {
            return null;
        }

        return await db.Episodes.WhereViewerIsOnCareTeam(db.Viewer).FirstOrDefaultAsync(e => e.Id == episodeId, cancellationToken);
    }
}
