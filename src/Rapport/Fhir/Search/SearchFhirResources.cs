using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Fhir.Search;

/// <summary>
/// A FHIR search over one resource type: the parameters its registration declares (others are reported back in an
/// OperationOutcome entry, never silently ignored), <c>_sort</c> by date, <c>_count</c>, <c>_include</c> and
/// <c>_revinclude</c> as registered, and paging by an opaque continuation token that holds the last (date, id) seen,
/// so rows added between two pages neither repeat nor push others out. Every patient whose data is returned is one
/// "read" entry in the audit trail.
/// </summary>
[Audits(AuditedAs.ClientReads)]
public sealed class SearchFhirResources(FhirCatalog catalog, RapportDb db)
{
    public const int DefaultCount = 20;
    public const int MaxCount = 100;
    public const string PageParameter = "_page";

    private static readonly string[] ControlParameters = ["_count", "_sort", PageParameter, "_include", "_revinclude", "_format"];

    public async Task<Bundle> HandleAsync(string type, IReadOnlyList<KeyValuePair<string, string>> query, string baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var resources = catalog.Get(type) ?? throw FhirProblem.NotFound($"The resource type {type}");
        var registration = resources.Registration;
        var unsupported = new List<string>();
        var criteria = new List<(FhirSearchParameter Parameter, string? Modifier, string Value)>();
        foreach (var (key, value) in query)
        {
            if (ControlParameters.Contains(key))
            {
                continue;
            }

            var colon = key.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? key : key[..colon];
            var modifier = colon < 0 ? null : key[(colon + 1)..];
            var parameter = registration.Parameter(name);
            if (parameter is null || (modifier is not null && !(modifier == "exact" && parameter.Type == SearchParamType.String)))
            {
                unsupported.Add(key);
                continue;
            }

            criteria.Add((parameter, modifier, value));
        }

        var count = Math.Clamp(Single(query, "_count") is { } c ? int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw FhirProblem.Invalid("_count must be a whole number.") : DefaultCount, 1, MaxCount);
        var descending = Single(query, "_sort") switch
        {
            null => false,
            "date" or "_lastUpdated" => false,
            "-date" or "-_lastUpdated" => true,
            var other => Unsupported(unsupported, $"_sort={other}"),
        };
        // A connected system's scopes bound what an include may add, as they bound what it may search.
        var viewer = db.Viewer;
        bool Permitted(string t) => !viewer.IsConnectedSystem || Systems.SystemScopes.Allows(viewer.Scopes, t);
        var includes = Requested(query, "_include", [.. registration.Includes.Where(i => Permitted(i.TargetType))], unsupported);
        var revIncludes = Requested(query, "_revinclude", [.. registration.RevIncludes.Where(i => Permitted(i.SourceType))], unsupported);

        // Narrow the load to one patient where the search names one (the usual case), instead of filtering everything.
        Guid? patientId = null;
        var patientCriterion = criteria.FirstOrDefault(x => x.Parameter.Name == (type == "Patient" ? "_id" : "patient") && !x.Value.Contains(',', StringComparison.Ordinal));
        if (patientCriterion.Parameter is not null)
        {
            var id = patientCriterion.Value.Split('/')[^1];
            if (!Guid.TryParse(id, out var parsed))
            {
                return Page(type, query, baseUrl, [], [], 0, null, unsupported);
            }

            patientId = parsed;
        }

        var all = await resources.LoadAsync(patientId, cancellationToken);
        var matches = all.Where(item => criteria.All(x => FhirMatch.Matches(x.Parameter, x.Modifier, x.Value, item.Resource)))
            .Order(new ByDate(descending))
            .ToList();

        var after = Single(query, PageParameter) is { } token ? PageToken.Parse(token, descending) : null;
        var comparer = new ByDate(descending);
        var remaining = after is null ? matches : [.. matches.Where(m => comparer.Compare(m, after) > 0)];
        var page = remaining.Take(count).ToList();
        var next = remaining.Count > count ? PageToken.For(page[^1], descending) : null;

        var included = new List<FhirItem>();
        foreach (var include in includes)
        {
            var parameter = registration.Parameter(include.Parameter)!;
            var target = catalog.Get(include.TargetType)!;
            var ids = page.SelectMany(p => parameter.Values(p.Resource)).OfType<ReferenceValue>().Where(r => r.Type == include.TargetType).Select(r => r.Id).Distinct();
            foreach (var id in ids)
            {
                if (await target.ReadAsync(id, cancellationToken) is { } found)
                {
                    included.Add(found);
                }
            }
        }

        foreach (var revInclude in revIncludes)
        {
            var source = catalog.Get(revInclude.SourceType)!;
            var parameter = source.Registration.Parameter(revInclude.Parameter)!;
            var ids = page.Select(p => p.Resource.Id).ToHashSet(StringComparer.Ordinal);
            var patients = page.Select(p => p.ClientId).Distinct().ToList();
            foreach (var patient in patients)
            {
                var candidates = await source.LoadAsync(patient, cancellationToken);
                included.AddRange(candidates.Where(x => parameter.Values(x.Resource).OfType<ReferenceValue>().Any(r => r.Type == type && ids.Contains(r.Id))));
            }
        }

        await AuditAsync(db, $"{type} search", [.. page, .. included], cancellationToken);
        return Page(type, query, baseUrl, page, included, matches.Count, next, unsupported);
    }

    /// <summary>One "read" entry naming every patient whose record the response holds (every member of a shared one).</summary>
    internal static async System.Threading.Tasks.Task AuditAsync(RapportDb db, string recordType, IReadOnlyList<FhirItem> items, CancellationToken cancellationToken)
    {
        // A couple's or group's episode or session concerns every member shown, as on the dashboard.
        var byPractice = items.Where(i => i.PracticeId is not null)
            .SelectMany(i => (i.Concerns ?? (i.ClientId is { } c ? [c] : [])).Select(client => (Client: client, Practice: i.PracticeId!.Value)))
            .GroupBy(x => x.Practice, x => x.Client)
            .ToList();
        if (byPractice.Count == 0)
        {
            return;
        }

        // A read names the resource; a search (several resources) says so.
        var recordId = items.Count == 1 && items[0].Resource.Id is { } id ? id : "search";
        foreach (var practice in byPractice)
        {
            await db.AddAuditEntryConcerningAsync(AuditAction.Read, recordType, recordId, practice.Key, practice, null, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static Bundle Page(string type, IReadOnlyList<KeyValuePair<string, string>> query, string baseUrl, IReadOnlyList<FhirItem> page,
        IReadOnlyList<FhirItem> included, int total, string? next, IReadOnlyList<string> unsupported)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = total, Id = Guid.NewGuid().ToString() };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = Link(baseUrl, type, query, Single(query, PageParameter)) });
        if (next is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Link(baseUrl, type, query, next) });
        }

        foreach (var item in page)
        {
            bundle.Entry.Add(Entry(baseUrl, item.Resource, Bundle.SearchEntryMode.Match));
        }

        foreach (var item in included.DistinctBy(i => (i.Resource.TypeName, i.Resource.Id)))
        {
            bundle.Entry.Add(Entry(baseUrl, item.Resource, Bundle.SearchEntryMode.Include));
        }

        if (unsupported.Count > 0)
        {
            var outcome = new OperationOutcome { Id = Guid.NewGuid().ToString() };
            outcome.Issue.AddRange(unsupported.Select(u => new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.NotSupported,
                Diagnostics = $"The search parameter '{u}' is not supported for {type} and was not applied.",
            }));
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{outcome.Id}", Resource = outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } });
        }

        return bundle;
    }

    public static Bundle.EntryComponent Entry(string baseUrl, Resource resource, Bundle.SearchEntryMode? mode) => new()
    {
        FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}",
        Resource = resource,
        Search = mode is null ? null : new Bundle.SearchComponent { Mode = mode },
    };

    private static string Link(string baseUrl, string type, IReadOnlyList<KeyValuePair<string, string>> query, string? page)
    {
        var builder = new StringBuilder(baseUrl).Append('/').Append(type);
        var parts = query.Where(q => q.Key != PageParameter).Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}").ToList();
        if (page is not null)
        {
            parts.Add($"{PageParameter}={Uri.EscapeDataString(page)}");
        }

        return parts.Count == 0 ? builder.ToString() : builder.Append('?').Append(string.Join('&', parts)).ToString();
    }

    private static string? Single(IReadOnlyList<KeyValuePair<string, string>> query, string key) =>
        query.LastOrDefault(q => q.Key == key).Value;

    private static bool Unsupported(List<string> unsupported, string what)
    {
        unsupported.Add(what);
        return false;
    }

    private static List<FhirInclude> Requested(IReadOnlyList<KeyValuePair<string, string>> query, string key, IReadOnlyList<FhirInclude> allowed, List<string> unsupported)
    {
        var requested = new List<FhirInclude>();
        foreach (var value in query.Where(q => q.Key == key).Select(q => q.Value))
        {
            // "Observation:patient" or "Observation:patient:Patient": the target type, when named, must be the registered one.
            var match = allowed.FirstOrDefault(a => value == a.ToString() || value == $"{a}:{a.TargetType}");
            if (match is null)
            {
                unsupported.Add($"{key}={value}");
            }
            else
            {
                requested.Add(match);
            }
        }

        return requested;
    }

    /// <summary>Date, then id, so the order is total and a page boundary is a single point.</summary>
    private sealed class ByDate(bool descending) : IComparer<FhirItem>
    {
        public int Compare(FhirItem? x, FhirItem? y)
        {
            var byDate = Nullable.Compare(x?.SortDate, y?.SortDate);
            var order = byDate != 0 ? byDate : string.CompareOrdinal(x?.Resource.Id, y?.Resource.Id);
            return descending ? -order : order;
        }
    }

    /// <summary>The opaque continuation token: the sort direction and the last (date, id) of the previous page.</summary>
    private static class PageToken
    {
        public static string For(FhirItem last, bool descending) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"1|{(descending ? 'd' : 'a')}|{last.SortDate?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? ""}|{last.Resource.Id}"))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static FhirItem Parse(string token, bool descending)
        {
            try
            {
                var padded = token.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - (padded.Length % 4)) % 4);
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
                if (parts.Length != 4 || parts[0] != "1" || parts[1] != (descending ? "d" : "a"))
                {
                    throw new FormatException();
                }

                DateTimeOffset? date = parts[2].Length == 0 ? null : new DateTimeOffset(long.Parse(parts[2], CultureInfo.InvariantCulture), TimeSpan.Zero);
                return new FhirItem(new Basic { Id = parts[3] }, date, null, null, null);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw FhirProblem.Invalid("The page token is not one this server issued for this search (it may be from another sort order).");
            }
        }
    }
}
