using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.Email;
using Rapport.Invitations;
using Rapport.Persistence;

namespace Rapport.Tests.Invitations;

public sealed class InvitationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InvitedClient_ChoosesAPassword_AndCanSeeOnlyThemselves(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var therapist = await database.ViewerForAsync(Personas.Therapist1);
        var mailer = database.Mailer;
        Guid episodeId;
        await using (var dbScope = database.As(therapist))
        {
            var db = dbScope.Db;
            var invite = dbScope.Get<InviteClient>();
            episodeId = (await invite.ChoicesAsync()).First().Id;
            var outcome = await invite.HandleAsync(new InviteClient.Form { EpisodeId = episodeId, DisplayName = "Nova Test", Email = "Nova@Example.org" }, "http://app/invitations/accept");
            Assert.True(outcome.Succeeded, string.Join(";", outcome.Errors.Values));
        }

        var mail = Assert.Single(mailer.Sent);
        Assert.Equal("nova@example.org", mail.To);
        var token = mail.TextBody.Split("token=")[1].Trim();

        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            using var users = UserManagerFor(db);
            var accept = new AcceptInvitation(db, users, TimeProvider.System);
            var result = await accept.HandleAsync(new AcceptInvitation.Form { Token = token, Password = "tide pools at low water", ConfirmPassword = "tide pools at low water" });
            Assert.True(result.Succeeded, string.Join(";", result.Errors.Values));
            Assert.Null(await accept.FindAsync(token));
        }

        var client = await database.ViewerForAsync("nova@example.org");
        await using (var dbScope = database.As(client))
        {
            var db = dbScope.Db;
            Assert.Equal(1, await db.Clients.CountAsync());
            Assert.Equal(0, await db.MeasureResponses.CountAsync());
            Assert.Equal([episodeId], await db.Episodes.Select(e => e.Id).ToListAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WeakPassword_IsRefusedWithAReason_AndNothingIsSaved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var admin = await database.ViewerForAsync(Personas.HarbourAdmin);
        var mailer = database.Mailer;
        await using (var dbScope = database.As(admin))
        {
            var db = dbScope.Db;
            var outcome = await dbScope.Get<InviteStaff>()
                .HandleAsync(new InviteStaff.Form { DisplayName = "Rowan Vale", Email = "rowan@harbour.example", Therapist = true }, "http://app/invitations/accept");
            Assert.True(outcome.Succeeded);
        }

        var token = mailer.Sent.Single().TextBody.Split("token=")[1].Trim();
        await using (var dbScope = database.As(Viewer.System))
        {
            var db = dbScope.Db;
            using var users = UserManagerFor(db);
            var accept = new AcceptInvitation(db, users, TimeProvider.System);
            var tooShort = await accept.HandleAsync(new AcceptInvitation.Form { Token = token, Password = "short", ConfirmPassword = "short" });
            var common = await accept.HandleAsync(new AcceptInvitation.Form { Token = token, Password = "passwordpassword", ConfirmPassword = "passwordpassword" });

            Assert.Contains("at least 15 characters", tooShort.Errors["Password"], StringComparison.Ordinal);
            Assert.Contains("too common", common.Errors["Password"], StringComparison.Ordinal);
            Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "ROWAN@HARBOUR.EXAMPLE"));
            Assert.NotNull(await accept.FindAsync(token));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InvalidStaffForm_GivesFieldErrors_AndSavesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var admin = await database.ViewerForAsync(Personas.HarbourAdmin);
        var mailer = database.Mailer;
        await using var dbScope = database.As(admin);
        var db = dbScope.Db;
        var before = await db.StaffMembers.CountAsync();

        var outcome = await dbScope.Get<InviteStaff>()
            .HandleAsync(new InviteStaff.Form { DisplayName = "", Email = "not-an-email", Therapist = false }, "http://app/invitations/accept");

        Assert.Equal(["DisplayName", "Email", "Therapist"], outcome.Errors.Keys.Order());
        Assert.Equal(before, await db.StaffMembers.CountAsync());
        Assert.Empty(mailer.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Therapist_CannotInviteIntoAnotherTherapistsEpisode(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid othersEpisode;
        await using (var system = database.Open(Viewer.System))
        {
            var client13 = await database.ClientIdAsync(Personas.Client13);
            othersEpisode = await system.EpisodeMembers.Where(m => m.ClientId == client13).Select(m => m.EpisodeId).FirstAsync();
        }

        await using var dbScope = await database.As(Personas.Therapist1);
        var db = dbScope.Db;
        var outcome = await dbScope.Get<InviteClient>()
            .HandleAsync(new InviteClient.Form { EpisodeId = othersEpisode, DisplayName = "X Y", Email = "xy@example.org" }, "http://app");

        Assert.Equal("Choose one of your own episodes.", outcome.Errors["EpisodeId"]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StaffInvitations_LinkSaysWhenItStopsWorking_AndAnAddressWithASignInGetsOnlyANotice(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var mailer = database.Mailer;
        await using (var dbScope = await database.As(Personas.HarbourAdmin))
        {
            var invite = dbScope.Get<InviteStaff>();
            Assert.True((await invite.HandleAsync(new InviteStaff.Form { DisplayName = "Rowan Vale", Email = "rowan@harbour.example", Therapist = true }, "http://app/invitations/accept")).Succeeded);
            Assert.True((await invite.HandleAsync(new InviteStaff.Form { DisplayName = "Someone", Email = Personas.Client7, Therapist = true }, "http://app/invitations/accept")).Succeeded);
        }

        await using var system = database.Open(Viewer.System);
        var invitation = await system.Invitations.SingleAsync(i => i.Email == "rowan@harbour.example");
        var link = mailer.Sent.Single(m => m.To == "rowan@harbour.example");
        Assert.StartsWith("Hello Rowan Vale,", link.TextBody, StringComparison.Ordinal);
        Assert.Contains($"the link works for {(invitation.ExpiresAt - invitation.CreatedAt).TotalDays:0} days", link.TextBody, StringComparison.Ordinal);
        Assert.Contains("token=", link.TextBody, StringComparison.Ordinal);

        var notice = mailer.Sent.Single(m => m.To == Personas.Client7);
        Assert.DoesNotContain("token=", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("as a member of staff", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("already has a Rapport sign-in", notice.TextBody, StringComparison.Ordinal);
    }

    // Issue 10, item 7: inviting an address that has a sign-in at another practice must not reveal that person's care there.
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task InvitingAnAddressWithASignInElsewhere_AnswersAsForANewAddress_AndOnlyTheHolderIsTold(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var northside = await database.ViewerForAsync(Personas.NorthsideTherapist);
        var harbourClient = await database.ClientIdAsync(Personas.Client7);
        var mailer = database.Mailer;
        Outcome<InvitationSent> existing, fresh;
        TimeSpan existingTook, freshTook;
        await using (var dbScope = database.As(northside))
        {
            var db = dbScope.Db;
            var invite = dbScope.Get<InviteClient>();
            var episodeId = (await invite.ChoicesAsync()).First().Id;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            fresh = await invite.HandleAsync(new InviteClient.Form { EpisodeId = episodeId, DisplayName = "Nova Test", Email = "nova@example.org" }, "http://app/invitations/accept");
            freshTook = watch.Elapsed;
            watch.Restart();
            existing = await invite.HandleAsync(new InviteClient.Form { EpisodeId = episodeId, DisplayName = "Someone", Email = "Client7@Harbour.example" }, "http://app/invitations/accept");
            existingTook = watch.Elapsed;
        }

        // The therapist gets the same answer, and the same kind of record, for both.
        Assert.True(existing.Succeeded, string.Join(";", existing.Errors.Values));
        Assert.Equal(fresh.Succeeded, existing.Succeeded);
        Assert.Equal(fresh.Value!.Kind, existing.Value!.Kind);
        Assert.NotNull(existing.Value.ClientId);
        Assert.True(existingTook < freshTook * 10 + TimeSpan.FromMilliseconds(500), $"existing {existingTook}, new {freshTook}");

        // The holder is told, with no link to accept; the new address gets its link.
        Assert.Contains("token=", mailer.Sent.Single(m => m.To == "nova@example.org").TextBody, StringComparison.Ordinal);
        var notice = mailer.Sent.Single(m => m.To == Personas.Client7);
        Assert.DoesNotContain("token=", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("already has a Rapport sign-in", notice.TextBody, StringComparison.Ordinal);

        // Nothing links the two practices: the Harbour sign-in is still Harbour's client only.
        await using var system = database.Open(Viewer.System);
        var user = await system.Users.SingleAsync(u => u.NormalizedEmail == "CLIENT7@HARBOUR.EXAMPLE");
        Assert.Equal(harbourClient, user.ClientId);
        Assert.NotEqual(harbourClient, existing.Value.ClientId);
        Assert.NotEqual(user.PracticeId, existing.Value.PracticeId);
    }

    private static UserManager<RapportUser> UserManagerFor(RapportDb db)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(db);
        services.AddIdentityCore<RapportUser>(o =>
            {
                o.Password.RequiredLength = NistPasswordValidator.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<RapportDb>()
            .AddPasswordValidator<NistPasswordValidator>();
        return services.BuildServiceProvider().GetRequiredService<UserManager<RapportUser>>();
    }
}
