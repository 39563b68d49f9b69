using Hl7.Fhir.Model;

namespace Rapport.Fhir;

/// <summary>
/// One FHIR resource type Rapport serves: what it declares (interactions, search parameters, includes) and how its
/// resources are found. The CapabilityStatement is built from these registrations and the search endpoint accepts
/// exactly the parameters they declare, so the two cannot drift apart.
/// Every load goes through <c>RapportDb</c>: its query filters decide what the viewer may see, so a resource outside
/// the viewer's care relationships is simply not there (404), like a missing one.
/// </summary>
public interface IFhirResources
{
    FhirResourceRegistration Registration { get; }

    /// <summary>The resource with this logical id, or <c>null</c> when it does not exist or the viewer may not see it.</summary>
    Task<FhirItem?> ReadAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every resource of this type the viewer may see, narrowed to one patient when <paramref name="patientId"/> is given.</summary>
    Task<IReadOnlyList<FhirItem>> LoadAsync(Guid? patientId, CancellationToken cancellationToken);
}

/// <summary>A resource with what the API needs around it: the date it sorts by, and whose record it is (for the audit trail).</summary>
/// <param name="RowId">The Rapport row it comes from (an Observation's response), named in the audit entry.</param>
/// <param name="ClientId">The client it is filed under (the first member shown, for a shared episode or session).</param>
/// <param name="Concerns">Every client a shared record (a couple's or group's episode or session) concerns: each gets a read entry.</param>
public sealed record FhirItem(Resource Resource, DateTimeOffset? SortDate, Guid? PracticeId, Guid? ClientId, Guid? RowId, IReadOnlyList<Guid>? Concerns = null);

public sealed record FhirResourceRegistration(
    string Type,
    IReadOnlyList<CapabilityStatement.TypeRestfulInteraction> Interactions,
    IReadOnlyList<FhirSearchParameter> SearchParameters,
    IReadOnlyList<FhirInclude> Includes,
    IReadOnlyList<FhirInclude> RevIncludes,
    IReadOnlyList<string> Operations)
{
    public FhirSearchParameter? Parameter(string name) => SearchParameters.FirstOrDefault(p => p.Name == name);
}

/// <summary><c>Source:parameter</c> (e.g. <c>Observation:patient</c>) and the type it reaches.</summary>
public sealed record FhirInclude(string SourceType, string Parameter, string TargetType)
{
    public override string ToString() => $"{SourceType}:{Parameter}";
}

/// <summary>A search parameter: its name and type as declared, and how to read its values from one resource.</summary>
public sealed record FhirSearchParameter(string Name, SearchParamType Type, string Documentation, Func<Resource, IEnumerable<FhirValue>> Values)
{
    public static FhirSearchParameter For<T>(string name, SearchParamType type, string documentation, Func<T, IEnumerable<FhirValue?>> values)
        where T : Resource =>
        new(name, type, documentation, r => r is T t ? values(t).OfType<FhirValue>() : []);

    /// <summary>The canonical definition in the base specification, where one exists.</summary>
    public string Definition(string type) => $"http://hl7.org/fhir/SearchParameter/{(Name.StartsWith('_') ? "Resource" : type)}-{Name.TrimStart('_')}";
}

/// <summary>A value a search parameter can match.</summary>
public abstract record FhirValue;

public sealed record TokenValue(string? System, string? Code) : FhirValue
{
    public static IEnumerable<FhirValue?> Of(IEnumerable<Coding>? codings) =>
        codings?.Where(c => c.Code is not null).Select(c => new TokenValue(c.System, c.Code)) ?? [];

    public static IEnumerable<FhirValue?> Of(CodeableConcept? concept) => Of(concept?.Coding);
}

public sealed record ReferenceValue(string Type, string Id) : FhirValue
{
    /// <summary>A relative reference "Type/id"; anything else (a contained or absolute one) matches nothing.</summary>
    public static FhirValue? Of(ResourceReference? reference)
    {
        var parts = reference?.Reference?.Split('/');
        return parts is { Length: 2 } ? new ReferenceValue(parts[0], parts[1]) : null;
    }
}

/// <summary>An instant or a whole day (a birth date).</summary>
public sealed record DateValue(DateTimeOffset Start) : FhirValue
{
    public static FhirValue? Of(string? fhirDate) =>
        fhirDate is not null && FhirDates.TryParse(fhirDate, out var start, out _) ? new DateValue(start) : null;
}

public sealed record StringValue(string? Text) : FhirValue;

public sealed record QuantityValue(decimal Value, string? System, string? Code) : FhirValue;

public sealed record UriValue(string? Uri) : FhirValue;
