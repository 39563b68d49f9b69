using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Rapport.Durability.Tests;

/// <summary>One answer the app acknowledged (its post/redirect/get redirect arrived): it must survive anything that follows.</summary>
public sealed record AcknowledgedAnswer(string Email, Guid EpisodeId, string InstrumentId, string LinkId, int Value);

/// <summary>A note for the care team whose save the app acknowledged.</summary>
public sealed record AcknowledgedNote(string Email, Guid EpisodeId, string Text);

/// <summary>What every client saw during a run: the acknowledged writes, and how the requests that did not succeed failed.</summary>
public sealed class AcknowledgedLog
{
    public ConcurrentQueue<AcknowledgedAnswer> Answers { get; } = new();
    public ConcurrentQueue<AcknowledgedNote> Notes { get; } = new();

    /// <summary>Anything a client saw that must never happen (a 500, an acknowledged question asked again).</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    private int _refused;
    private int _unavailable;
    private readonly ConcurrentQueue<(DateTime At, bool Ok)> _writes = new();

    /// <summary>Requests that found no server (connection refused or reset: the app was down).</summary>
    public int Refused => _refused;

    /// <summary>503 answers (database unreachable or switching), each with Retry-After.</summary>
    public int Unavailable => _unavailable;

    public void AddRefused() => Interlocked.Increment(ref _refused);

    public void AddUnavailable() => Interlocked.Increment(ref _unavailable);

    public void AddWrite(bool acknowledged) => _writes.Enqueue((DateTime.UtcNow, acknowledged));

    /// <summary>The longest time between two acknowledged writes that has a failed write in it (the write gap), from <paramref name="after"/> on.</summary>
    public TimeSpan LongestGap(DateTime after)
    {
        var ok = _writes.Where(w => w.Ok && w.At >= after).Select(w => w.At).Order().ToList();
        var failed = _writes.Where(w => !w.Ok && w.At >= after).Select(w => w.At).ToList();
        var gap = TimeSpan.Zero;
        for (var i = 1; i < ok.Count; i++)
        {
            var (from, to) = (ok[i - 1], ok[i]);
            if (to - from > gap && failed.Any(f => f > from && f < to))
            {
                gap = to - from;
            }
        }

        return gap;
    }
}

/// <summary>
/// A client on their phone: signs in, opens the check-in page and answers it one question at a time through the real
/// form (antiforgery token, post/redirect/get), then leaves a note. A failed post (no server, 503) is sent again as is,
/// as a person would tap "Next" again: the app must neither lose nor duplicate it. Every redirect is an acknowledgement
/// and goes in the <see cref="AcknowledgedLog"/>.
/// </summary>
public sealed partial class CheckInClient(Uri address, string email, AcknowledgedLog log, string password = CheckInClient.RapportPassword)
{
    public const string RapportPassword = "rapport-demo-2026";

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly Random _random = new(StringComparer.Ordinal.GetHashCode(email));
    private readonly HashSet<(Guid, string, string)> _acknowledged = [];
    private bool _signedIn;

    public bool Done { get; private set; }

    /// <summary>Answers until the check-in is finished or <paramref name="stop"/> fires; every failure is retried.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!Done && !stop.IsCancellationRequested)
        {
            try
            {
                await StepAsync(stop);
            }
            catch (HttpRequestException)
            {
                log.AddRefused();
                await Pause(TimeSpan.FromMilliseconds(200), stop);
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
                log.AddRefused();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task StepAsync(CancellationToken stop)
    {
        if (!_signedIn)
        {
            using var signIn = await _http.PostAsJsonAsync("api/identity/login?useCookies=true", new { email, password }, stop);
            if (!await AcceptableAsync(signIn, stop))
            {
                return;
            }

            signIn.EnsureSuccessStatusCode();
            _signedIn = true;
        }

        using var page = await _http.GetAsync("check-in", stop);
        if (!await AcceptableAsync(page, stop))
        {
            return;
        }

        var html = await page.Content.ReadAsStringAsync(stop);
        var path = "check-in";
        if (EpisodeChoice().Match(html) is { Success: true } choice)
        {
            // In two therapies: the first one's check-in (enough to exercise both kinds of write).
            path = WebUtility.HtmlDecode(choice.Groups[1].Value);
            using var chosen = await _http.GetAsync(path, stop);
            if (!await AcceptableAsync(chosen, stop))
            {
                return;
            }

            html = await chosen.Content.ReadAsStringAsync(stop);
        }

        var token = Hidden(html, "__RequestVerificationToken");
        if (Hidden(html, "Form.LinkId") is { } linkId && token is not null)
        {
            var episode = Guid.Parse(Hidden(html, "Form.EpisodeId")!);
            var instrument = Hidden(html, "Form.InstrumentId")!;
            if (_acknowledged.Contains((episode, instrument, linkId)))
            {
                log.Problems.Enqueue($"{email}: question {instrument}/{linkId} asked again after its answer was acknowledged");
                Done = true;
                return;
            }

            var options = AnswerOption().Matches(html).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var value = options[_random.Next(options.Count)];
            var fields = new Dictionary<string, string>
            {
                ["_handler"] = "check-in-answer",
                ["__RequestVerificationToken"] = token,
                ["Form.EpisodeId"] = episode.ToString(),
                ["Form.InstrumentId"] = instrument,
                ["Form.LinkId"] = linkId,
                ["Form.Value"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (await PostUntilAnsweredAsync(path, fields, stop))
            {
                _acknowledged.Add((episode, instrument, linkId));
                log.Answers.Enqueue(new AcknowledgedAnswer(email, episode, instrument, linkId, value));
            }

            return;
        }

        if (Hidden(html, "Note.EpisodeId") is { } noteEpisode && token is not null)
        {
            var text = $"Durability probe {Guid.NewGuid():N}";
            var fields = new Dictionary<string, string>
            {
                ["_handler"] = "check-in-note",
                ["__RequestVerificationToken"] = token,
                ["Note.EpisodeId"] = noteEpisode,
                ["Note.Text"] = text,
            };
            // A note is sent once: unlike an answer it has no natural key, so a resend after a lost acknowledgement could store it twice.
            using var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields), stop);
            var acknowledged = IsRedirect(response);
            log.AddWrite(acknowledged);
            if (acknowledged)
            {
                log.Notes.Enqueue(new AcknowledgedNote(email, Guid.Parse(noteEpisode), text));
            }
            else
            {
                await AcceptableAsync(response, stop);
            }
        }

        Done = true;
    }

    /// <summary>Sends one answer until the app acknowledges it (a redirect) or refuses it (a page with an error); true when acknowledged.</summary>
    private async Task<bool> PostUntilAnsweredAsync(string path, Dictionary<string, string> fields, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.PostAsync(path, new FormUrlEncodedContent(fields), stop);
            }
            catch (HttpRequestException)
            {
                log.AddRefused();
                log.AddWrite(false);
                await Pause(TimeSpan.FromMilliseconds(200), stop);
                continue;
            }

            using (response)
            {
                if (IsRedirect(response))
                {
                    log.AddWrite(true);
                    return true;
                }

                log.AddWrite(false);
                if (!await AcceptableAsync(response, stop))
                {
                    continue;
                }

                // 200: the page refused the answer (shown with an error); the next step reads the page again.
                return false;
            }
        }

        return false;
    }

    /// <summary>False (after waiting) for an answer to try again later: a 503 with Retry-After. A 500 is a problem.</summary>
    private async Task<bool> AcceptableAsync(HttpResponseMessage response, CancellationToken stop)
    {
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            log.AddUnavailable();
            if (response.Headers.RetryAfter?.Delta is not { } wait)
            {
                log.Problems.Enqueue($"{email}: 503 without Retry-After for {response.RequestMessage?.RequestUri}");
                wait = TimeSpan.FromSeconds(1);
            }

            // The header's seconds are the ceiling; a switch is often over sooner.
            await Pause(TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds, 500)), stop);
            return false;
        }

        if ((int)response.StatusCode >= 500)
        {
            log.Problems.Enqueue($"{email}: {(int)response.StatusCode} for {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}");
            await Pause(TimeSpan.FromMilliseconds(500), stop);
            return false;
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().Contains("Login", StringComparison.OrdinalIgnoreCase) == true))
        {
            _signedIn = false;
            return false;
        }

        return true;
    }

    private static bool IsRedirect(HttpResponseMessage response) => response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther;

    private static async Task Pause(TimeSpan wait, CancellationToken stop)
    {
        try
        {
            await Task.Delay(wait, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    internal static string? Hidden(string html, string name) =>
        Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("class=\"checkin-episode\" href=\"([^\"]+)\"")]
    private static partial Regex EpisodeChoice();

    [GeneratedRegex("name=\"Form.Value\" value=\"(-?[0-9]+)\"")]
    private static partial Regex AnswerOption();
}
