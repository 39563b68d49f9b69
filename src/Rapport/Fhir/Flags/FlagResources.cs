using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Alerts;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Flags;

/// <summary>
/// Flag: a risk alert (active until someone on the care team acknowledges it, then inactive), and an alliance concern:
/// the one the dashboard shows for a client's Session Check series now, ranked by the one rule
/// (<see cref="AllianceConcern"/>), active while it is the concern at the latest check-in (its id names that check-in,
/// so a newer one that raises none ends it). Updating a risk Flag to inactive is the same acknowledgement as the
/// dashboard's button (<see cref="AcknowledgeRiskAlert"/>), guarded by If-Match on its version; alliance Flags are not
/// acknowledged (the next session's check-in moves them). A client's own token gets their risk Flags only: the alliance
/// concern is the therapist's reading of the series.
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry naming every client the response holds.
[Audits(AuditedAs.PartOfClientRecord)]
public sealed class FlagResources(RapportDb db) : IFhirResources
{
    public FhirResourceRegistration Registration { get; } = new(
        "Flag",
        [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType, TypeRestfulInteraction.Update],
        [
            FhirSearchParameter.For<Flag>("patient", SearchParamType.Reference, "The client", f => [ReferenceValue.Of(f.Subject)]),
            FhirSearchParameter.For<Flag>("status", SearchParamType.Token, "active (not yet acknowledged) or inactive",
                f => [f.Status is { } s ? new TokenValue("http://hl7.org/fhir/flag-status", s == Flag.FlagStatus.Active ? "active" : "inactive") : null]),
        ],
        [],
        [],
        []);

    public const string AllianceIdPrefix = "alliance-";

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.StartsWith(AllianceIdPrefix, StringComparison.Ordinal))
        {
            return Guid.TryParseExact(id[AllianceIdPrefix.Length..], "N", out var response) ? (await AllianceAsync(null, response, cancellationToken)).FirstOrDefault() : null;
        }

        return Guid.TryParse(id, out var guid) ? (await LoadAsync(null, cancellationToken, guid)).FirstOrDefault() : null;
    }

    public async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) =>
        [.. await LoadAsync(patientId, cancellationToken, null), .. await AllianceAsync(patientId, null, cancellationToken)];

    /// <summary>The alliance concern now for each (episode, client) Session Check series the viewer sees.</summary>
    private async Task<IReadOnlyList<FhirItem>> AllianceAsync(Guid? patientId, Guid? latestResponseId, CancellationToken cancellationToken)
    {
        if (db.Viewer.IsClient)
        {
            return [];
        }

        var instrument = InstrumentCatalog.Get(InstrumentCatalog.SessionCheckId);
        var query = db.MeasureResponses.AsNoTracking().Where(r => r.InstrumentId == instrument.Id && r.Total != null);
        if (patientId is { } p)
        {
            query = query.Where(r => r.ClientId == p);
        }

        if (latestResponseId is { } one)
        {
            var pair = db.MeasureResponses.Where(r => r.Id == one).Select(r => new { r.EpisodeId, r.ClientId });
            query = query.Where(r => pair.Any(x => x.EpisodeId == r.EpisodeId && x.ClientId == r.ClientId));
        }

        var responses = await query.Select(r => new { r.Id, r.PracticeId, r.EpisodeId, r.ClientId, r.SubmittedAt, Total = r.Total!.Value }).ToListAsync(cancellationToken);
        var items = new List<FhirItem>();
        foreach (var series in responses.GroupBy(r => (r.EpisodeId, r.ClientId)))
        {
            var ordered = series.OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id).ToList();
            var latest = ordered[^1];
            if ((latestResponseId is not null && latest.Id != latestResponseId)
                || AllianceConcern.Now(instrument, [.. ordered.Select((r, i) => new AlliancePoint(i + 1, r.Total))]) is not { } concern)
            {
                continue;
            }

            var flag = new Flag
            {
                Id = AllianceIdPrefix + latest.Id.ToString("N"),
                Meta = FhirCodes.Meta(latest.Id.ToString("N"), latest.SubmittedAt),
                Status = Flag.FlagStatus.Active,
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/flag-category", "clinical", "Clinical")],
                Code = new CodeableConcept
                {
                    // No LOINC or SNOMED code says "therapeutic alliance concern": Rapport's own code system, as for the risk flag.
                    Coding =
                    [
                        new Coding(FhirCodes.FlagKind, "alliance-concern", "Alliance concern"),
                        new Coding(FhirCodes.AllianceSignal, KindCode(concern.Kind), concern.Kind.ToString()),
                    ],
                    Text = AllianceConcern.Text(concern),
                },
                Subject = FhirCodes.Ref("Patient", latest.ClientId),
                Period = new Period { StartElement = new FhirDateTime(FhirCodes.Utc(latest.SubmittedAt)) },
            };
            items.Add(new FhirItem(flag, FhirCodes.Utc(latest.SubmittedAt), latest.PracticeId, latest.ClientId, latest.Id));
        }

        return items;
    }

    private static string KindCode(AllianceSignalKind kind) => kind switch
    {
        AllianceSignalKind.AllianceDrop => "alliance-drop",
        AllianceSignalKind.UnrepairedRupture => "unrepaired-rupture",
        AllianceSignalKind.LowAlliance => "low-alliance",
        _ => "falling-trend",
    };

    private async Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken, Guid? alertId)
    {
        var query = db.RiskAlerts.AsNoTracking();
        if (patientId is { } p)
        {
            query = query.Where(a => a.ClientId == p);
        }

        if (alertId is { } id)
        {
            query = query.Where(a => a.Id == id);
        }

        return [.. (await query.ToListAsync(cancellationToken)).Select(a => new FhirItem(Map(a), FhirCodes.Utc(a.RaisedAt), a.PracticeId, a.ClientId, a.Id))];
    }

    public static Flag Map(RiskAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var what = $"Risk answer: {alert.InstrumentId} item {alert.Item} \"{alert.AnswerLabel}\"";
        return new Flag
        {
            Id = alert.Id.ToString(),
            Meta = FhirCodes.Meta(FhirCodes.Version(alert.Version), alert.AcknowledgedAt ?? alert.RaisedAt),
            Status = alert.AcknowledgedAt is null ? Flag.FlagStatus.Active : Flag.FlagStatus.Inactive,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/flag-category", "clinical", "Clinical")],
            Code = new CodeableConcept(FhirCodes.FlagKind, "risk-answer", "Risk answer in a check-in", what),
            Subject = FhirCodes.Ref("Patient", alert.ClientId),
            Period = new Period(new FhirDateTime(FhirCodes.Utc(alert.RaisedAt)), alert.AcknowledgedAt is { } at ? new FhirDateTime(FhirCodes.Utc(at)) : null),
            Author = alert.AcknowledgedByStaffId is { } staff ? FhirCodes.Ref("Practitioner", staff, alert.AcknowledgedByName) : null,
        };
    }
}

/// <summary>PUT Flag/{id} with status inactive: acknowledges the alert, only if If-Match names its current version.</summary>
public sealed class AcknowledgeRiskFlag(AcknowledgeRiskAlert acknowledge)
{
    public async Task<Flag> HandleAsync(string id, Flag flag, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flag);
        if (!Guid.TryParse(id, out var alertId) || (flag.Id is not null && flag.Id != id))
        {
            throw FhirProblem.Invalid("The Flag's id must be the id in the address.", "Flag.id");
        }

        if (flag.Status != Flag.FlagStatus.Inactive)
        {
            throw FhirProblem.Rule("A Flag can only be updated to status inactive (the care team acknowledges the alert).", "Flag.status");
        }

        Guid? expected = null;
        if (ifMatch is not null)
        {
            var version = ifMatch.Replace("W/", "", StringComparison.Ordinal).Trim('"');
            expected = Guid.TryParseExact(version, "N", out var v) ? v : Guid.Empty;
        }

        var outcome = await acknowledge.HandleAsync(alertId, cancellationToken, expected);
        if (outcome.NotFound)
        {
            throw FhirProblem.NotFound($"Flag/{id}");
        }

        if (!outcome.Succeeded)
        {
            throw new FhirProblem(412, OperationOutcome.IssueType.Conflict, "The Flag has changed since that version (If-Match): read it again.");
        }

        return FlagResources.Map(outcome.Value!);
    }
}
