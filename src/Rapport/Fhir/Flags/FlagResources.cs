using Rapport.Audit;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Rapport.Alerts;
using Rapport.Persistence;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Rapport.Fhir.Flags;

/// <summary>
/// Flag: a risk alert (active until someone on the care team acknowledges it, then inactive). Updating a Flag to
/// inactive is the same acknowledgement as the dashboard's button (<see cref="AcknowledgeRiskAlert"/>), guarded by
/// If-Match on its version.
/// </summary>
// Returned only through ReadFhirResource or SearchFhirResources, which write one read entry per client.
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

    public async Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? (await LoadAsync(null, cancellationToken, guid)).FirstOrDefault() : null;

    public Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken) => LoadAsync(patientId, cancellationToken, null);

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
