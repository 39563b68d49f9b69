using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.LoadTest.CheckIns;

namespace Rapport.LoadTest;

/// <summary>What one run drives: who, how many at once, and for how long or how many requests at most.</summary>
internal sealed record LoadPlan(string Slug, string Password, int Clients, int Therapists, int FhirReaders, int Accounts, int FirstAccount, long MaxRequests, TimeSpan Duration);

/// <summary>
/// The mix, closed-loop (each worker sends its next request when the last one is answered): clients checking in one
/// question at a time, therapists opening their dashboard and a client's page, a connected reader doing FHIR reads
/// and searches. Each kind is timed separately.
/// </summary>
internal sealed class LoadRun(HttpClient http, LoadPlan plan, AcknowledgedLog log, Latencies latencies)
{
    private int _nextAccount = plan.FirstAccount - 1;
    private int _checkInsDone;
    private int _accountsExhausted;

    public int CheckInsDone => _checkInsDone;

    public bool AccountsExhausted => _accountsExhausted > 0;

    public TimeSpan Elapsed { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(plan.Duration);
        var token = stop.Token;
        var started = Stopwatch.GetTimestamp();
        var workers = new List<Task>();
        workers.AddRange(Enumerable.Range(0, plan.Clients).Select(i => Task.Run(() => Guard(() => CheckInWorkerAsync(i, stop)), CancellationToken.None)));
        var therapists = Math.Max(1, (plan.Accounts + 99) / 100);
        workers.AddRange(Enumerable.Range(0, plan.Therapists).Select(i => Task.Run(() => Guard(() => TherapistWorkerAsync(1 + (i % therapists), stop)), CancellationToken.None)));
        workers.AddRange(Enumerable.Range(0, plan.FhirReaders).Select(i => Task.Run(() => Guard(() => FhirWorkerAsync(1 + ((i + plan.Therapists) % therapists), stop)), CancellationToken.None)));
        await Task.WhenAll(workers);
        Elapsed = Stopwatch.GetElapsedTime(started);
        _ = token;
    }

    private static async Task Guard(Func<Task> worker)
    {
        try
        {
            await worker();
        }
        catch (OperationCanceledException)
        {
            // The run's time is up.
        }
    }

    private bool Done(CancellationTokenSource stop)
    {
        if (latencies.Requests >= plan.MaxRequests)
        {
            stop.Cancel();
        }

        return stop.IsCancellationRequested;
    }

    private async Task CheckInWorkerAsync(int worker, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var random = new Random(worker);
        var choose = CheckInClient.Realistic(random);
        while (!Done(stop))
        {
            var account = Interlocked.Increment(ref _nextAccount);
            if (account > plan.FirstAccount - 1 + plan.Accounts)
            {
                Interlocked.Exchange(ref _accountsExhausted, 1);
                return;
            }

            var client = new CheckInClient(http, $"client{account}@{plan.Slug}.example");
            await latencies.TimeAsync("sign-in (client)", async () => { await client.SignInAsync(plan.Password, token); return true; }, token);
            if (!client.SignedIn)
            {
                continue;
            }

            var answered = 0;
            while (!Done(stop))
            {
                var failed = false;
                var step = await latencies.TimeAsync("check-in question", async () =>
                {
                    try
                    {
                        return await client.NextAsync(token);
                    }
                    catch
                    {
                        failed = true;
                        throw;
                    }
                }, token);
                if (step is null)
                {
                    if (!failed && answered > 0)
                    {
                        Interlocked.Increment(ref _checkInsDone);
                    }

                    break;
                }

                if (Done(stop))
                {
                    break;
                }

                await latencies.TimeAsync("check-in answer", () => client.AnswerAsync(step, choose(step), log, token), token);
                answered++;
            }
        }
    }

    private async Task<(HttpClient Http, AuthenticationHeaderValue Auth, List<Guid> Clients)?> StaffAsync(int therapist, CancellationToken token)
    {
        var email = $"therapist{therapist}@{plan.Slug}.example";
        var auth = await latencies.TimeAsync("sign-in (staff)", async () =>
        {
            using var response = await http.PostAsJsonAsync("/api/identity/login", new { email, password = plan.Password }, token);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(token);
            return new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        }, token);
        if (auth is null)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/caseload", UriKind.Relative));
        request.Headers.Authorization = auth;
        using var caseload = await http.SendAsync(request, token);
        caseload.EnsureSuccessStatusCode();
        var rows = await caseload.Content.ReadFromJsonAsync<JsonElement>(token);
        var clients = rows.EnumerateArray().Select(r => r.GetProperty("clientId").GetGuid()).Distinct().ToList();
        return (http, auth, clients);
    }

    private async Task TherapistWorkerAsync(int therapist, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var random = new Random(1000 + therapist);
        var staff = await StaffAsync(therapist, token);
        if (staff is not { } s || s.Clients.Count == 0)
        {
            return;
        }

        while (!Done(stop))
        {
            await latencies.TimeAsync("dashboard", () => GetAsync("/caseload", s.Auth, token), token);
            if (Done(stop))
            {
                break;
            }

            await latencies.TimeAsync("client page", () => GetAsync($"/clients/{s.Clients[random.Next(s.Clients.Count)]}", s.Auth, token), token);
        }
    }

    private async Task FhirWorkerAsync(int therapist, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var random = new Random(2000 + therapist);
        var staff = await StaffAsync(therapist, token);
        if (staff is not { } s || s.Clients.Count == 0)
        {
            return;
        }

        while (!Done(stop))
        {
            var client = s.Clients[random.Next(s.Clients.Count)];
            await latencies.TimeAsync("fhir read", () => GetAsync($"/fhir/Patient/{client}", s.Auth, token), token);
            if (Done(stop))
            {
                break;
            }

            await latencies.TimeAsync("fhir search", () => GetAsync($"/fhir/QuestionnaireResponse?patient={client}&_count=20", s.Auth, token), token);
        }
    }

    private async Task<bool> GetAsync(string path, AuthenticationHeaderValue auth, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET {path.Split('?')[0]}: {(int)response.StatusCode}", null, response.StatusCode);
        }

        return true;
    }
}
