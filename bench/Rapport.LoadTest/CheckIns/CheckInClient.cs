using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Rapport.LoadTest.CheckIns;

/// <summary>
/// A client checking in as a phone app does: sign in for a bearer token (<c>POST /api/identity/login</c>), read the
/// next question (<c>GET /api/my/check-in</c>), answer it (<c>POST /api/my/check-in/answers</c>), one question at a
/// time. An answer counts as acknowledged only when the server answered 200; it is then added to the log.
/// </summary>
public sealed class CheckInClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private string? _token;

    /// <param name="http">Shared by many clients (one connection pool); each request carries this client's token.</param>
    public CheckInClient(HttpClient http, string email)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        Email = email;
    }

    public string Email { get; }

    public bool SignedIn => _token is not null;

    public async Task SignInAsync(string password, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("/api/identity/login", new { email = Email, password }, cancellationToken);
        await EnsureOkAsync(response, "sign-in", cancellationToken);
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(Json, cancellationToken);
        _token = token?.AccessToken ?? throw new CheckInRequestException("sign-in", response.StatusCode, "no access token in the answer");
    }

    /// <summary>The question to answer now, or <c>null</c> when nothing is due (the check-in is done).</summary>
    public async Task<CheckInStep?> NextAsync(CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, "/api/my/check-in");
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureOkAsync(response, "check-in view", cancellationToken);
        var view = await response.Content.ReadFromJsonAsync<View>(Json, cancellationToken)
            ?? throw new CheckInRequestException("check-in view", response.StatusCode, "empty answer");
        if (view.Instrument is { } current && view.EpisodeId is { } episodeId)
        {
            return new CheckInStep(episodeId, current.InstrumentId, current.Question.LinkId, current.Question.Number, current.Question.Count,
                [.. current.Question.Options.Select(o => o.Weight)]);
        }

        // In two therapies at once the view asks which: take the first with something due (the load has one each).
        if (view.Choices.FirstOrDefault(c => c.DueCount > 0) is { } choice)
        {
            using var chosen = Request(HttpMethod.Get, $"/api/my/check-in?episodeId={choice.EpisodeId}");
            using var again = await _http.SendAsync(chosen, cancellationToken);
            await EnsureOkAsync(again, "check-in view", cancellationToken);
            var picked = await again.Content.ReadFromJsonAsync<View>(Json, cancellationToken);
            if (picked?.Instrument is { } first)
            {
                return new CheckInStep(choice.EpisodeId, first.InstrumentId, first.Question.LinkId, first.Question.Number, first.Question.Count,
                    [.. first.Question.Options.Select(o => o.Weight)]);
            }
        }

        return null;
    }

    /// <summary>Sends one answer; returns it once the server acknowledged it (200), and logs it there.</summary>
    /// <exception cref="CheckInRequestException">Any other status, or no answer (the answer may or may not be stored).</exception>
    public async Task<AcknowledgedAnswer> AnswerAsync(CheckInStep step, int value, AcknowledgedLog? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        using var request = Request(HttpMethod.Post, "/api/my/check-in/answers");
        request.Content = JsonContent.Create(new { episodeId = step.EpisodeId, instrumentId = step.InstrumentId, linkId = step.LinkId, value }, options: Json);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureOkAsync(response, "check-in answer", cancellationToken);
        var result = await response.Content.ReadFromJsonAsync<Result>(Json, cancellationToken);
        var acknowledged = new AcknowledgedAnswer(Email, step.EpisodeId, step.InstrumentId, step.LinkId, value, result?.Submitted ?? false, DateTimeOffset.UtcNow);
        log?.Add(acknowledged);
        return acknowledged;
    }

    /// <summary>Answers everything due, one question at a time; returns how many answers were acknowledged.</summary>
    public async Task<int> AnswerAllAsync(Func<CheckInStep, int> choose, AcknowledgedLog? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(choose);
        var answered = 0;
        while (await NextAsync(cancellationToken) is { } step)
        {
            await AnswerAsync(step, choose(step), log, cancellationToken);
            answered++;
        }

        return answered;
    }

    /// <summary>Mostly mid-range answers; the PHQ-9's risk item (9) is answered above 0 about one time in fifty, as a real caseload would.</summary>
    public static Func<CheckInStep, int> Realistic(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return step =>
        {
            if (step.InstrumentId == "phq-9" && step.LinkId == "9" && random.Next(50) != 0)
            {
                return step.Options.Min();
            }

            return step.Options[random.Next(step.Options.Count)];
        };
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token ?? throw new InvalidOperationException("Sign in first."));
        return request;
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response, string kind, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new CheckInRequestException(kind, response.StatusCode, body.Length > 300 ? body[..300] : body,
                response.Headers.RetryAfter?.Delta);
        }
    }

    private sealed record TokenResponse(string? AccessToken);

    private sealed record View(Guid? EpisodeId, Current? Instrument, IReadOnlyList<Choice> Choices);

    private sealed record Current(string InstrumentId, Question Question);

    private sealed record Question(int Number, int Count, string LinkId, IReadOnlyList<Option> Options);

    private sealed record Option(int Weight);

    private sealed record Choice(Guid EpisodeId, int DueCount);

    private sealed record Result(bool Submitted, bool RiskAnswered);
}

/// <summary>The question a client is asked now: what to send back with <see cref="CheckInClient.AnswerAsync"/>.</summary>
public sealed record CheckInStep(Guid EpisodeId, string InstrumentId, string LinkId, int Number, int Count, IReadOnlyList<int> Options);

/// <summary>A request that did not get 200. <see cref="Status"/> is <c>null</c> when no answer came at all.</summary>
public sealed class CheckInRequestException : Exception
{
    public CheckInRequestException(string kind, HttpStatusCode? status, string detail, TimeSpan? retryAfter = null)
        : base($"{kind}: {(status is null ? "no answer" : $"{(int)status} {status}")} {detail}".TrimEnd())
    {
        Kind = kind;
        Status = status;
        RetryAfter = retryAfter;
    }

    public CheckInRequestException()
    {
        Kind = "";
    }

    public CheckInRequestException(string message)
        : base(message)
    {
        Kind = "";
    }

    public CheckInRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = "";
    }

    public string Kind { get; }

    public HttpStatusCode? Status { get; }

    public TimeSpan? RetryAfter { get; }
}
