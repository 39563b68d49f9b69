using System.Net;
using Rapport.Web.Tests.Api;

namespace Rapport.Web.Tests.Pages;

/// <summary>The same rules on the pages a browser asks for.</summary>
public sealed class PageAccessTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task ClientPage_OfAClientTheTherapistDoesNotTreat_IsNotFound_AndShowsNoName()
    {
        var id = await shared.App.ClientIdAsync(Personas.NorthsideClient1);
        string name;
        await using (var db = shared.App.SystemDb())
        {
            name = db.Clients.Single(c => c.Id == id).DisplayName;
        }

        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);
        using var response = await client.GetAsync(new Uri($"/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientPage_OfTheirOwnClient_ShowsTheClient()
    {
        var id = await shared.App.ClientIdAsync(Personas.Client1);
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        using var response = await client.GetAsync(new Uri($"/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Individual work with", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvitationLink_ThatDoesNotWork_SaysWhyInPlainWords_WithTheLinksLifetime_AndOffersNoPasswordForm()
    {
        using var anonymous = shared.App.Anonymous();
        using var response = await anonymous.GetAsync(new Uri("/invitations/accept?token=not-a-real-token", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This invitation link does not work", html, StringComparison.Ordinal);
        Assert.Contains($"more than {Rapport.Invitations.InvitationTokens.LifetimeInWords} old", html, StringComparison.Ordinal);
        Assert.Contains("more than 7 days old", html, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"password\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownClientId_IsNotFound()
    {
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Therapist1);

        using var response = await client.GetAsync(new Uri($"/clients/{Guid.NewGuid()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Client_OpeningTheCaseload_IsRefused()
    {
        using var client = await shared.App.SignedInWithCookieAsync(Personas.Client1);

        using var response = await client.GetAsync(new Uri("/caseload", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("You do not have access to this page", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_OpeningAPrivatePage_IsSentToSignIn()
    {
        using var client = shared.App.Anonymous();

        using var response = await client.GetAsync(new Uri("/caseload", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevOutbox_ListsEmailsInDevelopment_ForAPracticeAdmin()
    {
        // Anonymous and other people are refused: OutboxPageTests.
        using var client = await shared.App.SignedInWithCookieAsync(Personas.HarbourAdmin);

        using var response = await client.GetAsync(new Uri("/dev/outbox", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Development outbox", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Personas.Client3)]
    [InlineData(Personas.Therapist2)]
    public async Task EveryoneCanSetUpAnAuthenticatorAppAndPasskeys(string email)
    {
        using var client = await shared.App.SignedInWithCookieAsync(email);

        using var totp = await client.GetAsync(new Uri("/Account/Manage/EnableAuthenticator", UriKind.Relative));
        using var passkeys = await client.GetAsync(new Uri("/Account/Manage/Passkeys", UriKind.Relative));

        Assert.True(totp.StatusCode == HttpStatusCode.OK, $"{(int)totp.StatusCode} {totp.Headers.Location}");
        Assert.Contains("authenticator", await totp.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(passkeys.StatusCode == HttpStatusCode.OK, $"{(int)passkeys.StatusCode} {passkeys.Headers.Location}");
    }
}
