using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Accounts;
using Rapport.Alerts;
using Rapport.Clients;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;
using Rapport.Episodes;
using Rapport.Goals;
using Rapport.Measures;
using Rapport.Persistence;
using Rapport.Practices;
using Rapport.Sessions;
using Rapport.Staff;
using Rapport.Audit;

namespace Rapport.Demo;

/// <summary>
/// Synthetic demo practices, generated from a fixed seed: the same people, episodes and answers on every
/// run (dates move with today). No real client data is ever used. Two practices, so isolation can be seen:
/// Harbour Street Counselling (4 therapists, one new with no clients, a supervisor, an admin, 40 clients in individual, couple and
/// group episodes over up to three years) and Northside Therapy Collective (1 therapist, 5 clients).
/// </summary>
[NotAudited("Seeds synthetic demo data as the system viewer (decision 0007)")]
public sealed class DemoData(RapportDb db, IPasswordHasher<RapportUser> hasher, TimeProvider clock)
{
    public const string DefaultPassword = "rapport-demo-2026";
    public const int Seed = 2026;

    /// <summary>The demo sign-ins, in the order the README lists them.</summary>
    public static IReadOnlyList<(string Email, string Who)> SignIns { get; } =
    [
        ("admin@harbour.example", "Harbour practice admin (accounts and settings, no clinical data)"),
        ("supervisor@harbour.example", "Harbour supervisor of therapist1-3"),
        ("therapist1@harbour.example", "Harbour therapist: client1-client12 (client11 and client12 are a couple)"),
        ("therapist2@harbour.example", "Harbour therapist: client13-client23 (22 and 23 a couple) and the group"),
        ("therapist3@harbour.example", "Harbour therapist: client24-client34 (33 and 34 a couple) and the group"),
        ("therapist4@harbour.example", "Harbour therapist new to the practice: no clients yet, a public profile"),
        ("client1@harbour.example", "Harbour client of therapist1 (… up to client40@harbour.example; 35-40 are the group)"),
        ("former1@harbour.example", "Harbour former client of therapist1 (… up to former27@harbour.example), may share a testimonial"),
        ("therapist@northside.example", "Northside therapist"),
        ("client1@northside.example", "Northside client (… up to client5@northside.example)"),
    ];

    private static readonly string[] FirstNames =
    [
        "Ada", "Ben", "Cara", "Dev", "Elin", "Femi", "Gita", "Hugo", "Iris", "Jon", "Kemi", "Luca", "Maya", "Noor", "Owen",
        "Pia", "Quinn", "Rosa", "Sami", "Tess", "Umar", "Vera", "Wren", "Xan", "Yara", "Zeb", "Alma", "Bram", "Cleo", "Dara",
        "Emil", "Faye", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Milo", "Nia", "Otto", "Pearl", "Rafe", "Sol", "Tara",
    ];

    private static readonly string[] Surnames =
    [
        "Ashby", "Brook", "Carver", "Dunmore", "Ellery", "Fenwick", "Garside", "Holloway", "Ingram", "Jarrow", "Kendal",
        "Lowther", "Marsden", "Northey", "Oakley", "Pryor", "Quayle", "Rowntree", "Sefton", "Thwaite", "Upton", "Varley",
    ];

    private readonly Random _random = new(Seed);
    private DateTime _now;
    private string _passwordHash = "";

    public async Task<bool> SeedIfEmptyAsync(string password = DefaultPassword, CancellationToken cancellationToken = default)
    {
        if (await db.Practices.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return false;
        }

        await SeedAsync(password, cancellationToken);
        return true;
    }

    public async Task SeedAsync(string password = DefaultPassword, CancellationToken cancellationToken = default)
    {
        _now = clock.GetUtcNow().UtcDateTime;
        // One hash for every demo account (same password, so the same salted hash verifies for all):
        // hashing 50 times would cost seconds on every fresh start and every test run.
        _passwordHash = hasher.HashPassword(new RapportUser(), password);

        var harbour = new Practice { Name = "Harbour Street Counselling", Slug = "harbour" };
        var northside = new Practice { Name = "Northside Therapy Collective", Slug = "northside" };
        db.Practices.AddRange(harbour, northside);

        var admin = Staff(harbour, "Morgan Reeve", "admin@harbour.example", StaffRoles.PracticeAdmin);
        var supervisor = Staff(harbour, "Dr Helen Marsh", "supervisor@harbour.example", StaffRoles.Supervisor | StaffRoles.Therapist);
        var t1 = Staff(harbour, "Sam Okafor", "therapist1@harbour.example", StaffRoles.Therapist);
        var t2 = Staff(harbour, "Priya Nair", "therapist2@harbour.example", StaffRoles.Therapist);
        var t3 = Staff(harbour, "Tom Lindqvist", "therapist3@harbour.example", StaffRoles.Therapist);
        foreach (var supervisee in new[] { t1, t2, t3 })
        {
            db.Supervisions.Add(new Supervision
            {
                PracticeId = harbour.Id,
                SupervisorId = supervisor.Id,
                SuperviseeId = supervisee.Id,
                Since = DateOnly.FromDateTime(_now.AddYears(-3)),
            });
        }

        _ = admin;
        var harbourClients = Enumerable.Range(1, 40).Select(i => NewClient(harbour, $"client{i}@harbour.example")).ToList();
        Client H(int n) => harbourClients[n - 1];

        // therapist1: individual clients 1-10, the couple 11 & 12. The first one carries the risk answer.
        var scripts = new[] { Trajectory.Risk, Trajectory.Rupture, Trajectory.Deteriorator, Trajectory.NonResponder, Trajectory.Improver };
        for (var n = 1; n <= 10; n++)
        {
            Individual(harbour, t1, H(n), scripts[(n - 1) % scripts.Length], weeksAgo: 4 + (n * 2 % 14));
        }

        Joint(harbour, EpisodeFormat.Couple, null, [t1], [H(11), H(12)], weeksAgo: 9);

        for (var n = 13; n <= 21; n++)
        {
            Individual(harbour, t2, H(n), scripts[(n + 1) % scripts.Length], weeksAgo: 3 + (n % 12));
        }

        Joint(harbour, EpisodeFormat.Couple, null, [t2], [H(22), H(23)], weeksAgo: 6);
        for (var n = 24; n <= 32; n++)
        {
            Individual(harbour, t3, H(n), scripts[(n + 2) % scripts.Length], weeksAgo: 5 + (n % 10));
        }

        Joint(harbour, EpisodeFormat.Couple, null, [t3], [H(33), H(34)], weeksAgo: 12);
        Joint(harbour, EpisodeFormat.Group, "Thursday anxiety group", [t2, t3], [.. Enumerable.Range(35, 6).Select(H)], weeksAgo: 10);

        // The long-term relationship: earlier, ended episodes over the last three years.
        Past(harbour, t1, H(2), yearsAgo: 3, sessions: 12);
        Past(harbour, t1, H(5), yearsAgo: 2, sessions: 8);
        Past(harbour, t3, H(14), yearsAgo: 2, sessions: 10);
        Past(harbour, t2, H(25), yearsAgo: 1, sessions: 6);
        Past(harbour, supervisor, H(30), yearsAgo: 3, sessions: 16);

        var northTherapist = Staff(northside, "Alex Byrne", "therapist@northside.example", StaffRoles.Therapist | StaffRoles.PracticeAdmin);
        for (var n = 1; n <= 5; n++)
        {
            Individual(northside, northTherapist, NewClient(northside, $"client{n}@northside.example"), scripts[n % scripts.Length], weeksAgo: 4 + n);
        }

        // Preferences and goals come last, from their own generator, so every earlier demo value stays as it was.
        SharedByClients([H(1), H(2), H(3), H(4), H(11), H(12), H(22), H(23), H(35), H(36), H(37)]);

        // Former clients come after everything else drawn from the seeded generator, so every earlier value stays.
        FormerClients(harbour, t1, t2, t3);

        // Approved public profiles for matching (no random draws, so every earlier value stays): therapist1 shows their
        // outcomes (enough finished courses), therapist2 has not opted in, therapist3 opted in with too few, the
        // supervisor has no finished course in the last year, and therapist4 is new with no clients yet.
        var t4 = Staff(harbour, "Jo Whitfield", "therapist4@harbour.example", StaffRoles.Therapist);
        Profiles(harbour, supervisor, t1, t2, t3, t4);

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>How many former clients each Harbour therapist finished with in the last year (therapist1, 2, 3).</summary>
    public static readonly int[] FormerClientsPerTherapist = [12, 11, 4];

    /// <summary>
    /// Former clients of Harbour, one ended individual episode each within the last year, so the practice's insights have
    /// finished episodes to show: therapist1 and therapist2 above the minimum n of 10, therapist3 (4) below it. Emails
    /// former1@harbour.example …; former1 ended about five months ago with no risk answer (past the testimonial gap),
    /// former2 a month ago (inside it), former3 five months ago with a risk answer at its last session. Each list of
    /// trajectories mixes improvement, no change and deterioration, and one ends after a single session (a drop-out).
    /// </summary>
    private void FormerClients(Practice practice, StaffMember t1, StaffMember t2, StaffMember t3)
    {
        Trajectory[] mix = [Trajectory.Improver, Trajectory.Improver, Trajectory.NonResponder, Trajectory.Improver, Trajectory.Deteriorator, Trajectory.Rupture];
        var therapists = new[] { t1, t2, t3 };
        var n = 0;
        for (var t = 0; t < therapists.Length; t++)
        {
            for (var i = 0; i < FormerClientsPerTherapist[t]; i++)
            {
                n++;
                var client = NewClient(practice, $"former{n}@harbour.example");
                var (endedWeeksAgo, trajectory, sessions) = n switch
                {
                    1 => (22, Trajectory.Improver, 8),
                    2 => (4, Trajectory.Improver, 7),
                    3 => (21, Trajectory.Risk, 6),
                    // One drop-out per therapist: a single attended session, so not a finished course of treatment.
                    _ when i == 4 => (8 + (n % 40), Trajectory.NonResponder, 1),
                    _ => (2 + ((n * 5) % 48), mix[n % mix.Length], 5 + (n % 8)),
                };
                var weeksAgo = endedWeeksAgo + sessions;
                var episode = Episode(practice, EpisodeFormat.Individual, $"Work with {client.DisplayName}", [therapists[t]], [client], weeksAgo, ended: true);
                var held = Schedule(episode, [client], weeksAgo, ended: true, count: sessions);
                episode.EndedOn = DateOnly.FromDateTime(held[^1].StartsAt);
                Measures(episode, client, held, trajectory);
            }
        }
    }

    private void Profiles(Practice practice, StaffMember supervisor, StaffMember t1, StaffMember t2, StaffMember t3, StaffMember t4)
    {
        const string directive = "therapist-directiveness-vs-client-directiveness", intensity = "emotional-intensity-vs-emotional-reserve",
            past = "past-orientation-vs-present-orientation", warm = "warm-support-vs-focused-challenge";
        (StaffMember Who, Matching.ProfileContent Content)[] profiles =
        [
            (t1, new()
            {
                Bio = "I have worked as a counsellor for twelve years, mostly with people whose mood has dropped or whose worry has taken over. I like sessions to have a clear focus and something to try in between.",
                Concerns = ["low-mood", "anxiety", "stress", "sleep"], OtherConcerns = "burnout, exam stress", Approaches = "Cognitive behavioural therapy, behavioural activation",
                Formats = ["individual", "couple"], Modes = ["in-person", "video"], Languages = ["English", "Yoruba"], Times = ["weekday-mornings", "weekday-afternoons"],
                Fee = 60, ReducedFee = true, AcceptingNewClients = true, ShowOutcomes = true,
                Style = new Dictionary<string, int> { [directive] = -2, [intensity] = 0, [past] = 2, [warm] = 1 },
            }),
            (t2, new()
            {
                Bio = "I work with people going through loss, change and difficult relationships, at the pace that suits them. You lead; I follow and notice with you.",
                Concerns = ["grief", "relationships", "life-changes", "low-mood", "family"], OtherConcerns = "separation, becoming a parent", Approaches = "Person-centred counselling, emotion-focused therapy",
                Formats = ["individual", "couple", "group"], Modes = ["in-person"], Languages = ["English", "Malayalam"], Times = ["weekday-afternoons", "weekday-evenings"],
                Fee = 55, ReducedFee = false, AcceptingNewClients = true, ShowOutcomes = false,
                Style = new Dictionary<string, int> { [directive] = 2, [intensity] = -2, [past] = -1, [warm] = -2 },
            }),
            (t3, new()
            {
                Bio = "I help people with anxiety, panic and the after-effects of frightening experiences, and run the practice's anxiety group with a colleague.",
                Concerns = ["anxiety", "panic", "trauma", "self-esteem"], OtherConcerns = "", Approaches = "Cognitive behavioural therapy, EMDR",
                Formats = ["individual", "group"], Modes = ["in-person", "video"], Languages = ["English", "Swedish"], Times = ["weekday-evenings", "weekends"],
                Fee = 65, ReducedFee = true, AcceptingNewClients = true, ShowOutcomes = true,
                Style = new Dictionary<string, int> { [directive] = -1, [intensity] = 1, [past] = 1, [warm] = 2 },
            }),
            (supervisor, new()
            {
                Bio = "A clinical psychologist and the practice's clinical supervisor; I keep a small number of places for longer-term work.",
                Concerns = ["low-mood", "trauma", "self-esteem", "family"], OtherConcerns = "long-standing patterns", Approaches = "Psychodynamic psychotherapy, schema therapy",
                Formats = ["individual"], Modes = ["in-person"], Languages = ["English"], Times = ["weekday-mornings"],
                Fee = 90, ReducedFee = false, AcceptingNewClients = true, ShowOutcomes = true,
                Style = new Dictionary<string, int> { [directive] = 1, [intensity] = -2, [past] = -3, [warm] = 0 },
            }),
            (t4, new()
            {
                Bio = "I joined the practice this year after training in integrative counselling. I work with low mood, anxiety and life changes, by video or in the evenings.",
                Concerns = ["low-mood", "anxiety", "life-changes", "stress"], OtherConcerns = "moving to a new country", Approaches = "Integrative counselling",
                Formats = ["individual"], Modes = ["video", "in-person"], Languages = ["English", "Polish"], Times = ["weekday-evenings", "weekends"],
                Fee = 45, ReducedFee = true, AcceptingNewClients = true, ShowOutcomes = true,
                Style = new Dictionary<string, int> { [directive] = 0, [intensity] = 0, [past] = 1, [warm] = -1 },
            }),
        ];
        foreach (var (who, content) in profiles)
        {
            var json = JsonSerializer.Serialize(content, Matching.TherapistProfile.Json);
            db.TherapistProfiles.Add(new Matching.TherapistProfile
            {
                PracticeId = practice.Id,
                StaffMemberId = who.Id,
                DraftJson = json,
                PublishedJson = json,
                PublishedAt = _now.AddDays(-30),
                Status = Matching.ProfileStatus.Approved,
                SubmittedAt = _now.AddDays(-31),
            });
        }
    }

    private readonly Dictionary<Guid, (CareEpisode Episode, Session First)> _current = [];

    private static readonly string[][] DemoGoals =
    [
        ["Sleep through the night most nights", "Go back to the Saturday football"],
        ["Stop avoiding the bus to work"],
        ["Talk about Mum without falling apart"],
        [],
        ["Argue less in front of the children"],
        ["Feel listened to at home"],
        ["Plan one evening a week together"],
        [],
        ["Speak up once in each group session"],
        [],
        ["Walk into a shop without a panic attack"],
    ];

    /// <summary>
    /// C-NIP answers (numbers only: the wording is not shipped) at the first session, so the preference profile shows on a
    /// first run, and a few goals in the clients' words.
    /// </summary>
    private void SharedByClients(Client[] clients)
    {
        var random = new Random(Seed + 1);
        for (var c = 0; c < clients.Length; c++)
        {
            if (!_current.TryGetValue(clients[c].Id, out var where))
            {
                continue;
            }

            var leans = Enumerable.Range(0, 4).Select(_ => random.Next(-2, 3)).ToArray();
            var answers = Enumerable.Range(0, 18)
                .Select(i => Math.Clamp(leans[i < 5 ? 0 : i < 10 ? 1 : i < 13 ? 2 : 3] + random.Next(-1, 2), -3, 3))
                .ToArray();
            Add(where.Episode, clients[c], where.First, InstrumentCatalog.CNipId, answers, minutesAfterStart: -45);

            var goals = DemoGoals[c % DemoGoals.Length];
            for (var g = 0; g < goals.Length; g++)
            {
                var set = where.First.StartsAt.AddMinutes(-40 + g);
                var achieved = g == 1 && c == 0;
                db.ClientGoals.Add(new ClientGoal
                {
                    PracticeId = where.Episode.PracticeId,
                    EpisodeId = where.Episode.Id,
                    ClientId = clients[c].Id,
                    Text = goals[g],
                    Status = achieved ? GoalStatus.Achieved : GoalStatus.WorkingOnIt,
                    SetAt = set,
                    UpdatedAt = achieved ? _now.AddDays(-3) : set,
                    ClosedAt = achieved ? _now.AddDays(-3) : null,
                });
            }
        }
    }

    private StaffMember Staff(Practice practice, string name, string email, StaffRoles roles)
    {
        var staff = new StaffMember { PracticeId = practice.Id, DisplayName = name, Email = email, Roles = roles, CreatedAt = _now.AddYears(-4) };
        db.StaffMembers.Add(staff);
        db.Users.Add(NewUser(practice, email, staff.Id, null));
        return staff;
    }

    private Client NewClient(Practice practice, string email)
    {
        var name = $"{FirstNames[_random.Next(FirstNames.Length)]} {Surnames[_random.Next(Surnames.Length)]}";
        var client = new Client
        {
            PracticeId = practice.Id,
            DisplayName = name,
            Email = email,
            DateOfBirth = DateOnly.FromDateTime(_now.AddYears(-_random.Next(19, 70)).AddDays(-_random.Next(365))),
            CreatedAt = _now.AddYears(-3),
        };
        db.Clients.Add(client);
        db.Users.Add(NewUser(practice, email, null, client.Id));
        return client;
    }

    private RapportUser NewUser(Practice practice, string email, Guid? staffId, Guid? clientId) => new()
    {
        UserName = email,
        NormalizedUserName = email.ToUpperInvariant(),
        Email = email,
        NormalizedEmail = email.ToUpperInvariant(),
        EmailConfirmed = true,
        PasswordHash = _passwordHash,
        SecurityStamp = Guid.NewGuid().ToString("N"),
        ConcurrencyStamp = Guid.NewGuid().ToString(),
        LockoutEnabled = true,
        PracticeId = practice.Id,
        StaffMemberId = staffId,
        ClientId = clientId,
    };

    private static readonly string[] Reasons =
    [
        "Low mood since a job loss; sleeping badly.", "Panic attacks on public transport.", "Grief after a parent's death.",
        "Worry that is hard to switch off; tension headaches.", "Relationship difficulties and low self-worth.",
        "Stress at work and irritability at home.", "Feeling flat and withdrawn after moving city.",
    ];

    private void Individual(Practice practice, StaffMember therapist, Client client, Trajectory trajectory, int weeksAgo)
    {
        var episode = Episode(practice, EpisodeFormat.Individual, $"Individual work with {client.DisplayName}", [therapist], [client], weeksAgo, ended: false);
        var sessions = Schedule(episode, [client], weeksAgo, ended: false);
        Measures(episode, client, sessions, trajectory);
    }

    private void Joint(Practice practice, EpisodeFormat format, string? title, StaffMember[] team, Client[] members, int weeksAgo)
    {
        title ??= $"Couple work with {string.Join(" and ", members.Select(m => m.DisplayName))}";
        var episode = Episode(practice, format, title, team, members, weeksAgo, ended: false);
        var sessions = Schedule(episode, members, weeksAgo, ended: false);
        var kinds = new[] { Trajectory.Improver, Trajectory.NonResponder, Trajectory.Improver, Trajectory.Deteriorator };
        for (var i = 0; i < members.Length; i++)
        {
            Measures(episode, members[i], sessions, kinds[i % kinds.Length]);
        }
    }

    private void Past(Practice practice, StaffMember therapist, Client client, int yearsAgo, int sessions)
    {
        var weeksAgo = (yearsAgo * 52) + _random.Next(0, 8);
        var episode = Episode(practice, EpisodeFormat.Individual, $"Earlier work with {client.DisplayName}", [therapist], [client], weeksAgo, ended: true);
        var held = Schedule(episode, [client], weeksAgo, ended: true, count: sessions);
        episode.EndedOn = DateOnly.FromDateTime(held[^1].StartsAt);
        Measures(episode, client, held, Trajectory.Improver);
    }

    private CareEpisode Episode(Practice practice, EpisodeFormat format, string title, StaffMember[] team, Client[] members, int weeksAgo, bool ended)
    {
        var started = DateOnly.FromDateTime(_now.AddDays(-7 * weeksAgo));
        var episode = new CareEpisode
        {
            PracticeId = practice.Id,
            Title = title,
            Format = format,
            Status = ended ? EpisodeStatus.Ended : EpisodeStatus.Active,
            ReferralReason = Reasons[_random.Next(Reasons.Length)],
            StartedOn = started,
        };
        for (var i = 0; i < team.Length; i++)
        {
            episode.CareTeam.Add(new EpisodeTherapist { EpisodeId = episode.Id, StaffMemberId = team[i].Id, IsLead = i == 0 });
        }

        foreach (var member in members)
        {
            episode.Members.Add(new EpisodeMember { EpisodeId = episode.Id, ClientId = member.Id, JoinedOn = started });
        }

        db.Episodes.Add(episode);
        return episode;
    }

    /// <summary>Weekly sessions from the start until now (plus the next one booked), or a fixed count for an ended episode.</summary>
    private List<Session> Schedule(CareEpisode episode, Client[] members, int weeksAgo, bool ended, int? count = null)
    {
        var held = new List<Session>();
        var first = _now.Date.AddDays(-7 * weeksAgo).AddHours(9 + _random.Next(0, 9));
        var total = count ?? weeksAgo;
        for (var i = 0; i < total; i++)
        {
            var missed = i > 1 && _random.NextDouble() < 0.08;
            var session = new Session
            {
                PracticeId = episode.PracticeId,
                EpisodeId = episode.Id,
                Number = i + 1,
                StartsAt = first.AddDays(7 * i),
                DurationMinutes = episode.Format == EpisodeFormat.Group ? 90 : 50,
                Setting = _random.NextDouble() < 0.3 ? SessionSetting.Video : SessionSetting.InPerson,
                Status = missed ? SessionStatus.DidNotAttend : SessionStatus.Attended,
            };
            if (!missed)
            {
                session.Attendees.AddRange(members.Select(m => new SessionAttendee { SessionId = session.Id, ClientId = m.Id }));
                held.Add(session);
            }

            episode.Sessions.Add(session);
        }

        if (!ended)
        {
            var next = first.AddDays(7 * total);
            if (next <= _now)
            {
                next = next.AddDays(7);
            }

            episode.Sessions.Add(new Session
            {
                PracticeId = episode.PracticeId,
                EpisodeId = episode.Id,
                Number = total + 1,
                StartsAt = next,
                DurationMinutes = episode.Format == EpisodeFormat.Group ? 90 : 50,
                Setting = SessionSetting.InPerson,
                Status = SessionStatus.Scheduled,
            });
        }

        return held;
    }

    private enum Trajectory
    {
        Improver,
        NonResponder,
        Deteriorator,
        Rupture,
        Risk,
    }

    /// <summary>PHQ-9 and GAD-7 before each attended session, following a trajectory with noise.</summary>
    private void Measures(CareEpisode episode, Client client, List<Session> sessions, Trajectory trajectory)
    {
        var allianceBase = 8 + _random.Next(0, 2);
        var phqStart = 12 + _random.Next(0, 9);
        if (episode.Status != EpisodeStatus.Ended && sessions.Count > 0)
        {
            _current[client.Id] = (episode, sessions[0]);
        }

        var gadStart = 9 + _random.Next(0, 8);
        for (var i = 0; i < sessions.Count; i++)
        {
            var progress = sessions.Count <= 1 ? 0 : (double)i / Math.Max(6, sessions.Count - 1);
            var change = trajectory switch
            {
                Trajectory.Improver or Trajectory.Rupture => -0.6 * progress,
                Trajectory.Deteriorator => 0.35 * progress,
                Trajectory.Risk => -0.1 * progress,
                _ => 0.0,
            };
            var phq = Math.Clamp((int)Math.Round(phqStart * (1 + change) + Noise(1.5)), 0, 27);
            var gad = Math.Clamp((int)Math.Round(gadStart * (1 + change) + Noise(1.2)), 0, 21);
            var riskNow = trajectory == Trajectory.Risk && i == sessions.Count - 1;
            Add(episode, client, sessions[i], "phq-9", Items(phq, 9, riskItem: riskNow ? 8 : null));
            Add(episode, client, sessions[i], "gad-7", Items(gad, 7, riskItem: null));
            Add(episode, client, sessions[i], "rapport-session-check", Alliance(trajectory, i, sessions.Count, allianceBase), minutesAfterStart: episode.Format == EpisodeFormat.Group ? 95 : 55);
        }
    }

    /// <summary>
    /// The Session Check (four items, 0-10) after each session. Ruptures follow the V shape the literature
    /// describes (a drop, then a return within 1-3 sessions); an unrepaired rupture drops and stays low.
    /// </summary>
    private int[] Alliance(Trajectory trajectory, int index, int count, int baseline)
    {
        var level = baseline + Noise(0.6);
        var last = count - 1;
        level += trajectory switch
        {
            // Repaired rupture: a sharp drop two thirds of the way through, back to baseline two sessions later.
            Trajectory.Rupture when index == Math.Max(2, count * 2 / 3) => -4.5,
            Trajectory.Rupture when index == Math.Max(2, count * 2 / 3) + 1 => -2.0,
            // Unrepaired rupture: the most recent session dropped and has not come back.
            Trajectory.NonResponder when index == last && count > 4 => -4.5,
            // Slowly weakening alliance alongside deterioration.
            Trajectory.Deteriorator => -0.45 * index,
            _ => 0,
        };
        var item = Math.Clamp((int)Math.Round(level), 0, 10);
        return [item, Math.Clamp(item + _random.Next(-1, 2), 0, 10), Math.Clamp(item + _random.Next(-1, 2), 0, 10), item];
    }

    private double Noise(double sd)
    {
        // Box-Muller: normal noise from the seeded generator.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2);
    }

    /// <summary>Spreads a total over items scored 0-3. Item 9 of the PHQ-9 (index 8) stays 0 unless it carries the risk answer.</summary>
    private int[] Items(int total, int count, int? riskItem)
    {
        var items = new int[count];
        var free = Enumerable.Range(0, count).Where(i => count != 9 || i != 8).ToList();
        if (riskItem is { } r)
        {
            items[r] = 1;
            total = Math.Max(total - 1, 0);
        }

        total = Math.Min(total, free.Count * 3);
        while (total > 0)
        {
            var pick = free[_random.Next(free.Count)];
            if (items[pick] < 3)
            {
                items[pick]++;
                total--;
            }
        }

        return items;
    }

    private void Add(CareEpisode episode, Client client, Session session, string instrumentId, int[] items, int minutesAfterStart = -30)
    {
        // Answers are keyed by the Questionnaire's own linkIds and scored by the clinical core, exactly as a real check-in is.
        var instrument = InstrumentCatalog.Get(instrumentId);
        var scored = instrument.Items;
        var answers = new Dictionary<string, int?>();
        for (var i = 0; i < items.Length; i++)
        {
            answers[scored[i].LinkId] = items[i];
        }

        var score = ScoreResponse.Score(instrument, answers);
        if (score.Result is null)
        {
            throw new InvalidOperationException($"Demo answers for {instrumentId} do not score: {string.Join("; ", score.Errors)}");
        }

        var response = new MeasureResponse
        {
            PracticeId = episode.PracticeId,
            EpisodeId = episode.Id,
            ClientId = client.Id,
            SessionId = session.Id,
            InstrumentId = instrumentId,
            SubmittedAt = session.StartsAt.AddMinutes(minutesAfterStart),
            AnswersJson = JsonSerializer.Serialize(answers),
            Total = (int?)score.Result.Total,
        };
        db.MeasureResponses.Add(response);

        // A risk answer raises an alert exactly as a real check-in does; it waits, unacknowledged, on the dashboard,
        // so the demo shows what a therapist sees first.
        foreach (var risk in score.Result.Alerts.Where(a => a.Kind == AlertKinds.Risk))
        {
            db.RiskAlerts.Add(RiskAlert.From(response, instrument, risk, response.SubmittedAt));
        }
    }
}
