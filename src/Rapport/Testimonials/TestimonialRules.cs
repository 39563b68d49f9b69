namespace Rapport.Testimonials;

/// <summary>What the rules need to know about a client (all from their own record).</summary>
/// <param name="HasCurrentEpisode">A member of any episode of the practice that has not ended.</param>
/// <param name="LastEndedOn">When their most recent episode ended, or <c>null</c> if none has.</param>
/// <param name="RiskAlertInLastEpisode">A risk alert was raised in that episode.</param>
public readonly record struct TestimonialStanding(bool HasCurrentEpisode, DateOnly? LastEndedOn, bool RiskAlertInLastEpisode);

/// <summary>
/// When a testimonial may be asked for or given (APA Ethics Code 5.05: never solicited from current clients or others
/// vulnerable to undue influence; ACA Code of Ethics 2014 C.3.b: not from former clients either; clinical-facts §7).
/// The one home of these rules: the invitation, the author's page and the submission all ask here.
/// </summary>
public static class TestimonialRules
{
    /// <summary>Whether the practice may invite this client, and if not, why (for the tests and the docs, never shown to the client).</summary>
    public static (bool Allowed, string Reason) MayInvite(TestimonialStanding client, DateOnly today, int gapMonths, bool neverInvite)
    {
        if (neverInvite)
        {
            return (false, "the practice never invites testimonials (ACA C.3.b)");
        }

        return MayShare(client, today, gapMonths);
    }

    /// <summary>
    /// Whether the client may share one at all, invited or volunteering. The same conditions as an invitation, because
    /// undue influence does not depend on who asked: a current client, someone whose therapy ended less than the gap
    /// ago, or whose last episode raised a risk alert, may not.
    /// </summary>
    public static (bool Allowed, string Reason) MayShare(TestimonialStanding client, DateOnly today, int gapMonths)
    {
        if (client.HasCurrentEpisode)
        {
            return (false, "Testimonials are only for former clients: you are still in care with this practice.");
        }

        if (client.LastEndedOn is not { } ended)
        {
            return (false, "Testimonials are only for former clients whose therapy has ended.");
        }

        if (ended.AddMonths(Math.Max(0, gapMonths)) > today)
        {
            return (false, $"Testimonials can be shared from {ended.AddMonths(gapMonths):d MMMM yyyy}, {gapMonths} months after your therapy ended.");
        }

        if (client.RiskAlertInLastEpisode)
        {
            return (false, "This practice does not take testimonials about an episode in which a risk to safety was raised.");
        }

        return (true, "");
    }
}
