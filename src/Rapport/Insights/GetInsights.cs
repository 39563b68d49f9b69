using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Clinical.Change;
using Rapport.Clinical.Insights;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Psychometrics;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Sessions;
using Rapport.Staff;

namespace Rapport.Insights;

/// <summary>
/// A practice's outcomes over a period, for its staff: the practice's figures, the viewer's own and (for a supervisor)
/// each supervisee's, a funnel plot of reliable improvement by therapist, case-mix, internal consistency of each
/// instrument in this practice's data, the alliance–outcome association, and the trend by quarter. Every rule comes from
/// Rapport.Clinical (NHS paired outcome, Wilson, Fisher-z, Feldt, Becker, Spiegelhalter); this class only gathers the
/// courses. A course is one member of an episode that ended in the period; it counts for the episode's lead therapist.
/// Who sees which therapist by name: a supervisor their supervisees, a practice admin every therapist (aggregates only),
/// a therapist themself; anyone else is "Colleague A", "Colleague B" … on the funnel, and has no figures of their own.
/// </summary>
[NotAudited("Returns aggregates only (counts, proportions, means and intervals over the practice's finished episodes, "
    + "cells below the minimum n hidden): no client's record, name or id leaves, so no client's access list gains an entry")]
public sealed class GetInsights(RapportDb db, TimeProvider clock)
{
    /// <summary>The period shown when none is asked for: the twelve months to today.</summary>
    public InsightsPeriod DefaultPeriod()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return new InsightsPeriod(today.AddMonths(-12).AddDays(1), today);
    }

    /// <summary>Reads a period from the page's or the API's text; a bad one is an error naming the field, never a default in disguise.</summary>
    public Outcome<InsightsPeriod> ParsePeriod(string? from, string? to)
    {
        var period = DefaultPeriod();
        var errors = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f))
            {
                period = period with { From = f };
            }
            else
            {
                errors["from"] = "The start of the period must be a date (yyyy-mm-dd).";
            }
        }

        if (!string.IsNullOrWhiteSpace(to))
        {
            if (DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                period = period with { To = t };
            }
            else
            {
                errors["to"] = "The end of the period must be a date (yyyy-mm-dd).";
            }
        }

        // Whole calendar months: two periods a day apart would otherwise differ by one client's course, and the
        // difference of their figures would be that client's outcome.
        period = period with
        {
            From = new DateOnly(period.From.Year, period.From.Month, 1),
            To = new DateOnly(period.To.Year, period.To.Month, 1).AddMonths(1).AddDays(-1),
        };
        if (errors.Count == 0 && period.From > period.To)
        {
            errors["from"] = "The period must start on or before its end.";
        }

        if (errors.Count == 0 && period.To.DayNumber - period.From.DayNumber > 366 * 10)
        {
            errors["from"] = "The period can be at most ten years.";
        }

        return errors.Count == 0 ? Outcome<InsightsPeriod>.Ok(period) : Outcome<InsightsPeriod>.Invalid(errors);
    }

    /// <summary>The insights for the viewer's practice; not found for anyone but its staff.</summary>
    public async Task<Outcome<InsightsView>> HandleAsync(InsightsPeriod period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        var viewer = db.Viewer;
        if (viewer.StaffMemberId is not { } me || viewer.PracticeId is not { } practiceId || viewer.Roles == StaffRoles.None)
        {
            return Outcome<InsightsView>.Missing();
        }

        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId)
            .Select(p => new { p.Name, p.InsightsMinimumN }).FirstAsync(cancellationToken);
        var minimum = MinimumN.Effective(practice.InsightsMinimumN);
        // Roles are stored as text, so the therapist role is checked after reading.
        var staff = await db.StaffMembers.AsNoTracking().Select(s => new { s.Id, s.DisplayName, s.Roles }).ToListAsync(cancellationToken);
        var supervisees = await db.Supervisions.AsNoTracking().Where(s => s.SupervisorId == me).Select(s => s.SuperviseeId).ToListAsync(cancellationToken);
        var isAdmin = viewer.Has(StaffRoles.PracticeAdmin);

        _ = practiceId;
        var courses = await CoursesAsync(period, cancellationToken);
        var started = await StartedAsync(period, cancellationToken);

        var practiceInsights = Provider("The practice", courses, started.Count, minimum);

        // By name: yourself, your supervisees, or everyone for a practice admin. Others stay anonymous.
        bool Named(Guid id) => id == me || supervisees.Contains(id) || isAdmin;
        var therapists = staff.Where(s => (s.Roles & StaffRoles.Therapist) != 0)
            .OrderBy(s => s.Id == me ? 0 : 1).ThenBy(s => s.DisplayName, StringComparer.Ordinal).ToList();
        var named = therapists.Where(t => Named(t.Id))
            .Select(t => Provider(t.Id == me ? $"You ({t.DisplayName})" : t.DisplayName, [.. courses.Where(c => c.LeadId == t.Id)], started.Count(s => s == t.Id), minimum))
            .Where(p => p.Ended > 0 || p.Started > 0 || p.Label.StartsWith("You", StringComparison.Ordinal))
            .ToList();

        var funnel = Funnel(courses, therapists.Select(t => (t.Id, Label: Named(t.Id) ? (t.Id == me ? "You" : t.DisplayName) : (string?)null)).ToList(), minimum);
        return Outcome<InsightsView>.Ok(new InsightsView(
            practice.Name,
            period,
            minimum,
            practiceInsights,
            named,
            funnel,
            ReliabilityFigures(courses, minimum),
            AllianceOutcomeFigure(courses, minimum),
            Quarters(courses, period, minimum)));
    }

    /// <summary>
    /// The practice's own figures for its public success stories, without a sign-in: every row read is one of this
    /// practice's ended episodes (named here, since no tenant filter applies), and only the practice's aggregate leaves.
    /// </summary>
    public async Task<(ProviderInsights Practice, int MinimumN)?> PublicPracticeAsync(Guid practiceId, InsightsPeriod period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        var minimumN = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => (int?)p.InsightsMinimumN).FirstOrDefaultAsync(cancellationToken);
        if (minimumN is null)
        {
            return null;
        }

        _publicPractice = practiceId;
        var minimum = MinimumN.Effective(minimumN);
        var courses = await CoursesAsync(period, cancellationToken);
        return (Provider("The practice", courses, 0, minimum), minimum);
    }

    /// <summary>
    /// One practice's ended courses in the period, without a sign-in, for the public matching's similar-clients figures
    /// (<see cref="Matching.FindTherapists"/>), which return only suppressed aggregates per therapist. Courses never leave
    /// the Rapport assembly.
    /// </summary>
    internal async Task<IReadOnlyList<Course>> PublicCoursesAsync(Guid practiceId, InsightsPeriod period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        _publicPractice = practiceId;
        return await CoursesAsync(period, cancellationToken);
    }

    private Guid? _publicPractice;

    // Signed-in staff read through the tenant filter; the public success stories name their one practice instead.
    private IQueryable<T> From<T>() where T : class =>
        _publicPractice is null ? db.PracticeWideForAggregates<T>() : db.ForPublicAggregates<T>();

    /// <summary>One member of an ended episode: what the figures are computed from. Never leaves this class.</summary>
    internal sealed record Course(
        Guid LeadId,
        DateOnly EndedOn,
        int AttendedSessions,
        IReadOnlyList<int> Phq9,
        IReadOnlyList<int> Gad7,
        IReadOnlyList<int> Alliance,
        IReadOnlyDictionary<string, string> FirstAnswers)
    {
        public PairedOutcome Outcome { get; } = NhsPairedOutcome.Classify(new EpisodeScores(
            AttendedSessions,
            Phq9.Count > 0 ? Phq9[0] : null, Phq9.Count > 0 ? Phq9[^1] : null,
            Gad7.Count > 0 ? Gad7[0] : null, Gad7.Count > 0 ? Gad7[^1] : null));

        public bool Finished => Outcome.FinishedTreatment;
    }

    private async Task<List<Guid>> StartedAsync(InsightsPeriod period, CancellationToken cancellationToken) =>
        await db.PracticeWideForAggregates<EpisodeTherapist>()
            .Where(t => t.IsLead && t.Episode!.StartedOn >= period.From && t.Episode.StartedOn <= period.To)
            .Select(t => t.StaffMemberId)
            .ToListAsync(cancellationToken);

    private async Task<List<Course>> CoursesAsync(InsightsPeriod period, CancellationToken cancellationToken)
    {
        var episodes = From<CareEpisode>()
            .Where(e => _publicPractice == null || e.PracticeId == _publicPractice)
            .Where(e => e.Status == EpisodeStatus.Ended && e.EndedOn >= period.From && e.EndedOn <= period.To);
        var members = await From<EpisodeMember>()
            .Where(m => episodes.Any(e => e.Id == m.EpisodeId))
            .Select(m => new { m.EpisodeId, m.ClientId, EndedOn = m.Episode!.EndedOn!.Value })
            .ToListAsync(cancellationToken);
        var leads = (await From<EpisodeTherapist>()
            .Where(t => t.IsLead && episodes.Any(e => e.Id == t.EpisodeId))
            .Select(t => new { t.EpisodeId, t.StaffMemberId })
            .ToListAsync(cancellationToken))
            .DistinctBy(t => t.EpisodeId)
            .ToDictionary(t => t.EpisodeId, t => t.StaffMemberId);
        var attendedSessions = From<Session>()
            .Where(s => s.Status == SessionStatus.Attended && episodes.Any(e => e.Id == s.EpisodeId));
        var attended = await From<SessionAttendee>()
            .Join(attendedSessions, a => a.SessionId, s => s.Id, (a, s) => new { s.EpisodeId, a.ClientId })
            .GroupBy(a => new { a.EpisodeId, a.ClientId })
            .Select(g => new { g.Key.EpisodeId, g.Key.ClientId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        string[] instruments = [InstrumentCatalog.Phq9Id, InstrumentCatalog.Gad7Id, InstrumentCatalog.SessionCheckId];
        var answers = await From<MeasureResponse>()
            .Where(r => r.Total != null && instruments.Contains(r.InstrumentId) && episodes.Any(e => e.Id == r.EpisodeId))
            .Select(r => new { r.EpisodeId, r.ClientId, r.InstrumentId, r.SubmittedAt, Total = r.Total!.Value, r.AnswersJson })
            .ToListAsync(cancellationToken);

        var sessions = attended.ToDictionary(a => (a.EpisodeId, a.ClientId), a => a.Count);
        var byCourse = answers.ToLookup(a => (a.EpisodeId, a.ClientId));
        return [.. members.Where(m => leads.ContainsKey(m.EpisodeId)).Select(m =>
        {
            var mine = byCourse[(m.EpisodeId, m.ClientId)].OrderBy(a => a.SubmittedAt).ToList();
            List<int> Totals(string id) => [.. mine.Where(a => a.InstrumentId == id).Select(a => a.Total)];
            var first = mine.GroupBy(a => a.InstrumentId).ToDictionary(g => g.Key, g => g.First().AnswersJson);
            return new Course(leads[m.EpisodeId], m.EndedOn, sessions.GetValueOrDefault((m.EpisodeId, m.ClientId)),
                Totals(InstrumentCatalog.Phq9Id), Totals(InstrumentCatalog.Gad7Id), Totals(InstrumentCatalog.SessionCheckId), first);
        })];
    }

    internal static ProviderInsights Provider(string label, IReadOnlyList<Course> courses, int started, int minimum)
    {
        var ended = courses.Count;
        var finished = courses.Where(c => c.Finished).ToList();
        var atCaseness = finished.Where(c => c.Outcome.CasenessAtStart).ToList();
        var figures = new List<Figure>
        {
            Proportion("Drop-out (ended before a second attended session)", courses.Count(c => !c.Finished), ended, minimum, "ended courses"),
            Proportion("Reliable improvement", finished.Count(c => c.Outcome.ReliableImprovement), finished.Count, minimum),
            Proportion("Recovery (of those at caseness at the start)", atCaseness.Count(c => c.Outcome.Recovery), atCaseness.Count, minimum),
            Proportion("Reliable recovery (of those at caseness at the start)", atCaseness.Count(c => c.Outcome.ReliableRecovery), atCaseness.Count, minimum),
            Proportion("Reliable deterioration", finished.Count(c => c.Outcome.ReliableDeterioration), finished.Count, minimum),
            EffectSize("Pre–post effect size, PHQ-9 (d)", finished.Where(c => c.Phq9.Count >= 2).Select(c => ((double)c.Phq9[0], (double)c.Phq9[^1])).ToList(), minimum),
            EffectSize("Pre–post effect size, GAD-7 (d)", finished.Where(c => c.Gad7.Count >= 2).Select(c => ((double)c.Gad7[0], (double)c.Gad7[^1])).ToList(), minimum),
            MeanFigure("Mean alliance (Session Check, 0–40)", finished.Where(c => c.Alliance.Count > 0).Select(c => c.Alliance.Average()).ToList(), minimum),
        };
        var caseMix = CaseMix(courses);
        var caseMixN = caseMix.Sum(b => b.Count);
        var hidden = MinimumN.HiddenBecause(caseMixN, minimum, "ended courses with an intake PHQ-9");
        return new ProviderInsights(label, started, ended, finished.Count, figures, hidden is null ? caseMix : [], caseMixN, hidden);
    }

    private static Figure Proportion(string name, int events, int n, int minimum, string what = "finished episodes") =>
        MinimumN.HiddenBecause(n, minimum, what) is { } why
            ? new Figure(name, FigureKind.Percent, n, null, why)
            : new Figure(name, FigureKind.Percent, n, Estimates.Proportion(events, n), null);

    private static Figure EffectSize(string name, List<(double Pre, double Post)> pairs, int minimum)
    {
        const string interval = "95 % interval, Becker's variance";
        if (MinimumN.HiddenBecause(pairs.Count, minimum) is { } why)
        {
            return new Figure(name, FigureKind.EffectSize, pairs.Count, null, why, interval);
        }

        try
        {
            return new Figure(name, FigureKind.EffectSize, pairs.Count, Estimates.PrePostEffectSize([.. pairs.Select(p => p.Pre)], [.. pairs.Select(p => p.Post)]), null, interval);
        }
        catch (ArgumentException)
        {
            return new Figure(name, FigureKind.EffectSize, pairs.Count, null, "the intake scores do not vary, so an effect size is undefined", interval);
        }
    }

    private static Figure MeanFigure(string name, List<double> values, int minimum)
    {
        const string interval = "95 % t interval";
        return MinimumN.HiddenBecause(values.Count, minimum) is { } why
            ? new Figure(name, FigureKind.Mean, values.Count, null, why, interval)
            : new Figure(name, FigureKind.Mean, values.Count, Estimates.Mean(values), null, interval);
    }

    private static List<CaseMixBand> CaseMix(IReadOnlyList<Course> courses)
    {
        var scoring = InstrumentCatalog.Get(InstrumentCatalog.Phq9Id).Scoring;
        var counts = courses.Where(c => c.Phq9.Count > 0)
            .GroupBy(c => scoring.BandFor(c.Phq9[0]) ?? "no band")
            .ToDictionary(g => g.Key, g => g.Count());
        // Every band in the instrument's order, including empty ones, so a reader sees the whole scale.
        return [.. scoring.Bands.Select(b => new CaseMixBand(b.Label, counts.GetValueOrDefault(b.Label)))];
    }

    private static FunnelView Funnel(List<Course> courses, List<(Guid Id, string? Label)> therapists, int minimum)
    {
        var finished = courses.Where(c => c.Finished).ToList();
        var target = finished.Count >= minimum ? finished.Count(c => c.Outcome.ReliableImprovement) / (double)finished.Count : (double?)null;
        var providers = new List<FunnelProvider>();
        var anonymous = 0;
        // Colleagues are lettered in an order that says nothing about them (not by name, seniority or result).
        foreach (var (id, label) in therapists.OrderBy(t => t.Label is null).ThenBy(t => t.Label, StringComparer.Ordinal).ThenBy(t => StableShuffle(t.Id)))
        {
            var mine = finished.Where(c => c.LeadId == id).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var name = label ?? $"Colleague {(char)('A' + (anonymous++ % 26))}";
            var events = mine.Count(c => c.Outcome.ReliableImprovement);
            var why = MinimumN.HiddenBecause(mine.Count, minimum);
            providers.Add(why is null && target is { } p0
                ? new FunnelProvider(name, mine.Count, events, events / (double)mine.Count, FunnelLimits.Place(p0, events, mine.Count), null)
                : new FunnelProvider(name, mine.Count, 0, null, null, why ?? "the practice has too few finished episodes for a target"));
        }

        var largest = Math.Max(finished.Count, minimum);
        var curve = target is { } t ? FunnelLimits.Curve(t, minimum, largest) : [];
        return new FunnelView("Reliable improvement", target, finished.Count, curve, providers);
    }

    private static int StableShuffle(Guid id) => id.ToString("N").Aggregate(17, (h, ch) => unchecked((h * 31) + ch));

    private static List<Figure> ReliabilityFigures(List<Course> courses, int minimum)
    {
        const string interval = "95 % Feldt interval";
        var figures = new List<Figure>();
        foreach (var id in new[] { InstrumentCatalog.Phq9Id, InstrumentCatalog.Gad7Id, InstrumentCatalog.SessionCheckId })
        {
            var instrument = InstrumentCatalog.Get(id);
            var name = $"Internal consistency, {instrument.ShortName} (α, first answers)";
            // One response per course (its first), so no person's answers count twice; complete responses only.
            var rows = new List<IReadOnlyList<double>>();
            foreach (var course in courses)
            {
                if (course.FirstAnswers.TryGetValue(id, out var json) && Items(instrument, json) is { } row)
                {
                    rows.Add(row);
                }
            }

            if (MinimumN.HiddenBecause(rows.Count, minimum, "complete first answers") is { } why)
            {
                figures.Add(new Figure(name, FigureKind.Alpha, rows.Count, null, why, interval));
                continue;
            }

            try
            {
                figures.Add(new Figure(name, FigureKind.Alpha, rows.Count, Estimates.CronbachAlpha(rows), null, interval));
            }
            catch (ArgumentException)
            {
                figures.Add(new Figure(name, FigureKind.Alpha, rows.Count, null, "the totals do not vary, so alpha is undefined", interval));
            }
        }

        return figures;
    }

    private static double[]? Items(Instrument instrument, string json)
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, int?>>(json);
        if (answers is null)
        {
            return null;
        }

        var row = new double[instrument.Items.Count];
        for (var i = 0; i < row.Length; i++)
        {
            if (!answers.TryGetValue(instrument.Items[i].LinkId, out var v) || v is null)
            {
                return null;
            }

            row[i] = v.Value;
        }

        return row;
    }

    private static Figure AllianceOutcomeFigure(List<Course> courses, int minimum)
    {
        const string name = "Alliance–outcome association (r: early alliance with residual PHQ-9 change; negative is better)";
        const string interval = "95 % Fisher-z interval";
        // Early alliance: the mean of the first three Session Checks, as the meta-analyses' early-alliance designs.
        var usable = courses.Where(c => c.Finished && c.Alliance.Count > 0 && c.Phq9.Count >= 2).ToList();
        if (MinimumN.HiddenBecause(usable.Count, Math.Max(minimum, 4)) is { } why)
        {
            return new Figure(name, FigureKind.Correlation, usable.Count, null, why, interval);
        }

        try
        {
            var r = AllianceOutcome.Associate(
                [.. usable.Select(c => c.Alliance.Take(3).Average())],
                [.. usable.Select(c => (double)c.Phq9[0])],
                [.. usable.Select(c => (double)c.Phq9[^1])]);
            return new Figure(name, FigureKind.Correlation, r.N, Estimates.Correlation(r), null, interval);
        }
        catch (ArgumentException)
        {
            return new Figure(name, FigureKind.Correlation, usable.Count, null, "alliance or outcome does not vary, so r is undefined", interval);
        }
    }

    private static List<QuarterTrend> Quarters(List<Course> courses, InsightsPeriod period, int minimum)
    {
        var quarters = new List<QuarterTrend>();
        for (var start = new DateOnly(period.From.Year, ((period.From.Month - 1) / 3 * 3) + 1, 1); start <= period.To; start = start.AddMonths(3))
        {
            var end = start.AddMonths(3).AddDays(-1);
            var these = courses.Where(c => c.EndedOn >= start && c.EndedOn <= end).ToList();
            var finished = these.Where(c => c.Finished).ToList();
            var label = string.Create(CultureInfo.InvariantCulture, $"{start.Year} Q{((start.Month - 1) / 3) + 1}");
            quarters.Add(new QuarterTrend(
                label,
                Proportion("Reliable improvement", finished.Count(c => c.Outcome.ReliableImprovement), finished.Count, minimum),
                MeanFigure("Mean alliance (Session Check, 0–40)", [.. finished.Where(c => c.Alliance.Count > 0).Select(c => c.Alliance.Average())], minimum)));
        }

        return quarters;
    }
}
