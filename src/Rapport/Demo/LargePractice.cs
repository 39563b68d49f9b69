using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Rapport.Accounts;
using Rapport.Clients;
using Rapport.Episodes;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Sessions;
using Rapport.Staff;
using Rapport.Audit;

namespace Rapport.Demo;

/// <summary>
/// A large synthetic practice for benchmarks (<c>rapport demo seed --clients N --sessions M</c>): one therapist
/// per 100 clients, each client in one individual episode with M attended sessions, a PHQ-9 and GAD-7
/// before each and the Session Check after. Written in batches with change tracking cleared, so memory stays flat at any size.
/// With <c>--client-sign-ins</c> every client also gets a sign-in (<c>client{n}@{slug}.example</c>, the demo password):
/// their PHQ-9 and GAD-7 for the next session are due, so the load test (bench/Rapport.LoadTest) has clients to check in.
/// </summary>
[NotAudited("Seeds a synthetic practice as the system viewer (decision 0007)")]
public sealed class LargePractice(Func<RapportDb> openDb, IPasswordHasher<RapportUser> hasher, TimeProvider clock)
{
    public const int ClientsPerTherapist = 100;
    private const int BatchClients = 1000;

    public sealed record Result(Guid PracticeId, string Slug, int Therapists, int Clients, int Sessions, int Responses);

    public async Task<Result> SeedAsync(int clients, int sessionsPerClient, string password, int seed = 7, CancellationToken cancellationToken = default) =>
        await SeedAsync(clients, sessionsPerClient, password, clientSignIns: false, seed, cancellationToken);

    public async Task<Result> SeedAsync(int clients, int sessionsPerClient, string password, bool clientSignIns, int seed = 7, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sessionsPerClient, 1);
        var random = new Random(seed);
        var now = clock.GetUtcNow().UtcDateTime;
        var slug = $"bench-{now:yyyyMMddHHmmss}";
        var practice = new Practice { Name = $"Benchmark practice {now:yyyy-MM-dd HH:mm}", Slug = slug };
        var therapistCount = (clients + ClientsPerTherapist - 1) / ClientsPerTherapist;
        var therapists = new List<StaffMember>(therapistCount);
        var hash = hasher.HashPassword(new RapportUser(), password);

        await using (var db = openDb())
        {
            db.Practices.Add(practice);
            for (var t = 1; t <= therapistCount; t++)
            {
                var email = $"therapist{t}@{slug}.example";
                var staff = new StaffMember { PracticeId = practice.Id, DisplayName = $"Therapist {t}", Email = email, Roles = StaffRoles.Therapist, CreatedAt = now };
                therapists.Add(staff);
                db.StaffMembers.Add(staff);
                db.Users.Add(new RapportUser
                {
                    UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                    EmailConfirmed = true, PasswordHash = hash, SecurityStamp = Guid.NewGuid().ToString("N"), PracticeId = practice.Id, StaffMemberId = staff.Id,
                });
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        var responses = 0;
        for (var start = 0; start < clients; start += BatchClients)
        {
            await using var db = openDb();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var end = Math.Min(clients, start + BatchClients);
            for (var c = start; c < end; c++)
            {
                var client = new Client { PracticeId = practice.Id, DisplayName = $"Client {c + 1}", Email = $"client{c + 1}@{slug}.example", CreatedAt = now };
                var first = now.Date.AddDays(-7 * (sessionsPerClient + random.Next(0, 20))).AddHours(9 + random.Next(0, 8));
                var episode = new CareEpisode
                {
                    PracticeId = practice.Id,
                    Title = $"Individual work with Client {c + 1}",
                    Format = EpisodeFormat.Individual,
                    Status = EpisodeStatus.Active,
                    StartedOn = DateOnly.FromDateTime(first),
                };
                episode.CareTeam.Add(new EpisodeTherapist { EpisodeId = episode.Id, StaffMemberId = therapists[c / ClientsPerTherapist].Id, IsLead = true });
                episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = client.Id, JoinedOn = episode.StartedOn });
                db.Clients.Add(client);
                db.Episodes.Add(episode);
                if (clientSignIns)
                {
                    var email = client.Email!;
                    db.Users.Add(new RapportUser
                    {
                        UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                        EmailConfirmed = true, PasswordHash = hash, SecurityStamp = Guid.NewGuid().ToString("N"), ConcurrencyStamp = Guid.NewGuid().ToString(),
                        LockoutEnabled = true, PracticeId = practice.Id, ClientId = client.Id,
                    });
                }

                var phq = 8 + random.Next(0, 16);
                var gad = 6 + random.Next(0, 13);
                var slope = (random.NextDouble() * 1.4) - 1.0;
                var alliance = 6 + random.Next(0, 5);
                for (var s = 0; s < sessionsPerClient; s++)
                {
                    var session = new Session
                    {
                        PracticeId = practice.Id,
                        EpisodeId = episode.Id,
                        Number = s + 1,
                        StartsAt = first.AddDays(7 * s),
                        Status = SessionStatus.Attended,
                    };
                    session.Attendees.Add(new SessionAttendee { SessionId = session.Id, ClientId = client.Id });
                    db.Sessions.Add(session);
                    var phqNow = Math.Clamp(phq + (int)Math.Round(slope * s) + random.Next(-2, 3), 0, 27);
                    var gadNow = Math.Clamp(gad + (int)Math.Round(slope * s * 0.8) + random.Next(-2, 3), 0, 21);
                    db.MeasureResponses.Add(Response(practice.Id, episode.Id, client.Id, session, "phq-9", phqNow, 9, random));
                    db.MeasureResponses.Add(Response(practice.Id, episode.Id, client.Id, session, "gad-7", gadNow, 7, random));
                    db.MeasureResponses.Add(Alliance(practice.Id, episode.Id, client.Id, session, alliance + random.Next(-1, 2)));
                    responses += 3;
                }
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
        }

        return new Result(practice.Id, slug, therapistCount, clients, clients * sessionsPerClient, responses);
    }

    /// <summary>The Session Check after the session: four items 0-10 around the client's own level.</summary>
    private static MeasureResponse Alliance(Guid practiceId, Guid episodeId, Guid clientId, Session session, int level)
    {
        var item = Math.Clamp(level, 0, 10);
        return new MeasureResponse
        {
            PracticeId = practiceId,
            EpisodeId = episodeId,
            ClientId = clientId,
            SessionId = session.Id,
            InstrumentId = "rapport-session-check",
            SubmittedAt = session.StartsAt.AddMinutes(55),
            AnswersJson = string.Create(CultureInfo.InvariantCulture, $"{{\"bond\":{item},\"goals\":{item},\"tasks\":{item},\"overall\":{item}}}"),
            Total = item * 4,
        };
    }

    private static MeasureResponse Response(Guid practiceId, Guid episodeId, Guid clientId, Session session, string instrument, int total, int items, Random random)
    {
        var answers = new int[items];
        var scored = items == 9 ? 8 : items; // PHQ-9 item 9 (risk) stays 0 in bulk data, so at most 24 there.
        total = Math.Min(total, scored * 3);
        var left = total;
        while (left > 0)
        {
            var i = random.Next(scored);
            if (answers[i] < 3)
            {
                answers[i]++;
                left--;
            }
        }

        var json = new StringBuilder("{");
        for (var i = 0; i < items; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}\"{i + 1}\":{answers[i]}");
        }

        return new MeasureResponse
        {
            PracticeId = practiceId,
            EpisodeId = episodeId,
            ClientId = clientId,
            SessionId = session.Id,
            InstrumentId = instrument,
            SubmittedAt = session.StartsAt.AddMinutes(-30),
            AnswersJson = json.Append('}').ToString(),
            Total = total,
        };
    }
}
