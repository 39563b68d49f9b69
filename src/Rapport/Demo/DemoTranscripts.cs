using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Consents;
using Rapport.Listening;
using Rapport.Persistence;
using Rapport.Sessions;

namespace Rapport.Demo;

/// <summary>
/// Synthetic session transcripts for the demo, written by this class (never AnnoMI or any real session): two of
/// therapist1's clients consented to transcript analysis, and their recent sessions were uploaded as WebVTT files, so a
/// newcomer sees listening reports, a trend over sessions and missed moments on first start. The transcripts are queued
/// like any upload and coded by <see cref="TranscriptAnalysisWorker"/> as the app starts. Deterministic: a fixed seed,
/// and the therapist's style shifts from closed questions and advice towards reflections over the sessions.
/// </summary>
[NotAudited("Seeds synthetic demo transcripts as the system viewer (decision 0007)")]
public sealed class DemoTranscripts(RapportDb db, TimeProvider clock)
{
    public const int Seed = 2027;

    /// <summary>The demo clients whose sessions have transcripts, and how many of their latest sessions.</summary>
    public static IReadOnlyList<(string Email, int Sessions)> Clients { get; } = [("client6@harbour.example", 4), ("client7@harbour.example", 3)];

    /// <summary>The therapist whose listening the demo transcripts show.</summary>
    public const string TherapistEmail = "therapist1@harbour.example";

    /// <summary>Adds the transcripts when the demo practice exists and has none yet; returns how many were added.</summary>
    public async Task<int> SeedIfMissingAsync(CancellationToken cancellationToken = default)
    {
        var practice = await db.Practices.IgnoreQueryFilters().Where(p => p.Slug == "harbour").Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
        if (practice is not { } practiceId || await db.SessionTranscripts.IgnoreQueryFilters().AnyAsync(t => t.PracticeId == practiceId, cancellationToken))
        {
            return 0;
        }

        var therapist = await db.StaffMembers.IgnoreQueryFilters().Where(s => s.PracticeId == practiceId && s.Email == TherapistEmail)
            .Select(s => new { s.Id, s.DisplayName }).FirstOrDefaultAsync(cancellationToken);
        if (therapist is null)
        {
            return 0;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var random = new Random(Seed);
        var added = 0;
        foreach (var (email, count) in Clients)
        {
            var client = await db.Clients.IgnoreQueryFilters().Where(c => c.PracticeId == practiceId && c.Email == email)
                .Select(c => new { c.Id, c.DisplayName }).FirstOrDefaultAsync(cancellationToken);
            var user = await db.Users.IgnoreQueryFilters().Where(u => u.Email == email).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
            if (client is null || user is null)
            {
                continue;
            }

            var sessions = await db.Sessions.IgnoreQueryFilters()
                .Where(s => s.PracticeId == practiceId && s.Status == SessionStatus.Attended && s.StartsAt < now
                    && s.Episode!.EndedOn == null && s.Episode.Members.Any(m => m.ClientId == client.Id))
                .OrderByDescending(s => s.StartsAt).Take(count)
                .Select(s => new { s.Id, s.EpisodeId, s.StartsAt, s.Number })
                .ToListAsync(cancellationToken);
            sessions.Reverse();
            if (sessions.Count == 0)
            {
                continue;
            }

            var (version, wording) = ConsentWording.Current(ConsentKind.TranscriptAnalysis);
            db.Consents.Add(new Consent
            {
                PracticeId = practiceId,
                ClientId = client.Id,
                Kind = ConsentKind.TranscriptAnalysis,
                WordingVersion = version,
                Wording = wording,
                GivenAt = sessions[0].StartsAt.AddMinutes(-20),
                RecordedByUserId = user,
            });
            for (var k = 0; k < sessions.Count; k++)
            {
                var s = sessions[k];
                var uploaded = s.StartsAt.AddMinutes(70) < now ? s.StartsAt.AddMinutes(70) : now;
                db.SessionTranscripts.Add(new SessionTranscript
                {
                    PracticeId = practiceId,
                    EpisodeId = s.EpisodeId,
                    SessionId = s.Id,
                    TherapistId = therapist.Id,
                    FileName = $"session-{s.Number}.vtt",
                    Format = nameof(Listening.Transcripts.TranscriptFormat.WebVtt),
                    TherapistSpeaker = therapist.DisplayName,
                    UploadedAt = uploaded,
                    Status = TranscriptStatus.Queued,
                    Content = Write(therapist.DisplayName, client.DisplayName, Script(random, progress: sessions.Count == 1 ? 1 : (double)k / (sessions.Count - 1))),
                });
                added++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    private enum Say
    {
        OpenQuestion, ClosedQuestion, SimpleReflection, ComplexReflection, Advice, Information, Other,
        Change, Sustain, Neutral, Feeling,
    }

    private static readonly Dictionary<Say, string[]> Lines = new()
    {
        [Say.OpenQuestion] =
        [
            "What would you like to be different by the summer?", "How has the week been since we last met?", "What makes that important to you?",
            "What would help you take a first step?", "How did you manage it on the days that went better?", "What do you make of that?",
            "Tell me more about what happened on Tuesday.", "What would your sister notice if things were going better?",
        ],
        [Say.ClosedQuestion] =
        [
            "Did you manage to try it this week?", "Is that every night?", "Have you spoken to your GP about it?", "Was your partner there?",
            "Do you drink on your own?", "Would Friday work for that?", "Are you still taking the tablets?",
        ],
        [Say.SimpleReflection] =
        [
            "It's been a hard week.", "You're tired of feeling this way.", "Work has been heavy.", "You managed it twice.",
            "You're not sure it will help.", "The evenings are the worst part.",
        ],
        [Say.ComplexReflection] =
        [
            "Part of you wants things to change, and part of you worries what it will cost.",
            "You're carrying a lot on your own, and it's wearing you down.",
            "It sounds like you're ready to do something different, even if you don't know what yet.",
            "Being there for your kids matters more to you than anything.",
            "You feel stuck between what others expect of you and what you want for yourself.",
            "So the shame comes afterwards, and it keeps you from asking anyone for help.",
        ],
        [Say.Advice] =
        [
            "You should try going to bed at the same time every night.", "I'd suggest cutting out coffee after lunch.",
            "You need to tell your manager how much this is affecting you.", "Try writing down three things that went well each evening.",
        ],
        [Say.Information] =
        [
            "Most people find the first two weeks the hardest.", "The practice runs a sleep group on Wednesday evenings.",
            "Alcohol tends to make sleep lighter in the second half of the night.",
        ],
        [Say.Other] = ["Okay.", "Mm-hmm.", "Right, thank you."],
        [Say.Change] =
        [
            "I really want to get my evenings back.", "I think I could cut down to weekends only.", "I'd like to sleep properly again.",
            "I went for a walk twice this week and it helped.", "I'm going to ask my sister to come with me.", "I know I need to do something about it.",
        ],
        [Say.Sustain] =
        [
            "Honestly, a drink is the only thing that helps me relax.", "I don't see the point of trying again.",
            "Everyone at work does it, it's normal.", "I haven't got time for any of that right now.",
        ],
        [Say.Neutral] = ["Yeah.", "I suppose so.", "It was a fairly normal week.", "My sister came round on Sunday.", "We had the review on Monday."],
        [Say.Feeling] =
        [
            "I feel so ashamed when I wake up like that.", "I've been really anxious since the review at work.",
            "I feel hopeless about it, honestly.", "I'm lonely most evenings and it makes me sad.", "I was scared I'd let everyone down again.",
        ],
    };

    /// <summary>
    /// One session: an opening, then exchanges of a client line and the therapist's answer. <paramref name="progress"/>
    /// runs from 0 (the earliest session: mostly closed questions and advice) to 1 (mostly reflections and open questions).
    /// </summary>
    private static List<(bool Therapist, string Text)> Script(Random random, double progress)
    {
        var lines = new List<(bool, string)>
        {
            (true, "Hi, good to see you again."),
            (false, "Hi. Yeah, thanks."),
            (true, Pick(random, Say.OpenQuestion)),
        };
        Say[] clientKinds = [Say.Change, Say.Sustain, Say.Neutral, Say.Feeling, Say.Neutral, Say.Change];
        for (var i = 0; i < 22; i++)
        {
            // Fixed moments, so every session shows what its stage is about: early ones a feeling met with a closed
            // question and change talk met with information (missed moments), later ones the same met with reflections.
            if (i is 3 or 14)
            {
                lines.AddRange(progress < 0.5
                    ? [(false, "I feel so ashamed when I wake up like that."), (true, "Is that every night?"),
                       (false, "I'm going to ask my sister to come with me."), (true, "The practice runs a sleep group on Wednesday evenings.")]
                    : [(false, "I feel so ashamed when I wake up like that."), (true, "So the shame comes afterwards, and it keeps you from asking anyone for help."),
                       (false, "I'm going to ask my sister to come with me."), (true, "You've decided you don't want to do this on your own.")]);
                continue;
            }

            var kind = clientKinds[random.Next(clientKinds.Length)];
            lines.Add((false, Pick(random, kind)));
            lines.Add((true, Pick(random, Answer(random, kind, progress))));
        }

        lines.Add((false, "Thanks, that was helpful."));
        lines.Add((true, "Let's stop there for today. Same time next week?"));
        return lines;
    }

    private static Say Answer(Random random, Say client, double progress)
    {
        var r = random.NextDouble();
        var listening = 0.25 + (0.6 * progress);
        if (r < listening)
        {
            // Feelings and change talk earn a complex reflection more often as the therapist's listening grows.
            return client is Say.Feeling or Say.Change && random.NextDouble() < 0.5 + (0.4 * progress) ? Say.ComplexReflection
                : random.NextDouble() < 0.5 ? Say.SimpleReflection : Say.OpenQuestion;
        }

        return ((r - listening) / (1 - listening)) switch
        {
            < 0.45 => Say.ClosedQuestion,
            < 0.7 => Say.Advice,
            < 0.85 => Say.Information,
            _ => Say.Other,
        };
    }

    private static string Pick(Random random, Say kind) => Lines[kind][random.Next(Lines[kind].Length)];

    /// <summary>WebVTT as a video platform exports it: a voice span per cue, about 2.5 words a second.</summary>
    private static string Write(string therapist, string client, List<(bool Therapist, string Text)> lines)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        var at = TimeSpan.FromSeconds(2);
        foreach (var (isTherapist, text) in lines)
        {
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var end = at + TimeSpan.FromSeconds(Math.Max(1.0, words / 2.5));
            vtt.Append(CultureInfo.InvariantCulture, $"{Stamp(at)} --> {Stamp(end)}\n<v {(isTherapist ? therapist : client)}>{text}</v>\n\n");
            at = end + TimeSpan.FromSeconds(0.6);
        }

        return vtt.ToString();
    }

    private static string Stamp(TimeSpan t) => t.ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
}
