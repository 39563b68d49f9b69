using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Email;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Pages;

/// <summary>
/// Issue 10: /dev/outbox listed every reset and invitation link to anyone. Even in Development it is for a signed-in
/// practice admin, and shows only mail to their own practice's people.
/// </summary>
public sealed class OutboxPageTests(Api.SharedApp shared) : IClassFixture<Api.SharedApp>
{
    [Fact]
    public async Task Outbox_ShowsAPracticeAdminOnlyTheirOwnPracticesMail_AndNobodyElseAnything()
    {
        var mailer = shared.App.Services.GetRequiredService<IMailer>();
        var marker = Guid.NewGuid().ToString("N");
        await mailer.SendAsync(new OutgoingMail(Personas.Client3, $"Harbour {marker}", "https://rapport.example/harbour-link"));
        await mailer.SendAsync(new OutgoingMail(Personas.NorthsideClient2, $"Northside {marker}", "https://rapport.example/northside-link"));

        using var admin = await shared.App.SignedInWithCookieAsync(Personas.HarbourAdmin);
        var page = await admin.GetStringAsync(new Uri("/dev/outbox", UriKind.Relative));
        Assert.Contains($"Harbour {marker}", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"Northside {marker}", page, StringComparison.Ordinal);

        using var anonymous = shared.App.Anonymous();
        using var anonymousResponse = await anonymous.GetAsync(new Uri("/dev/outbox", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, anonymousResponse.StatusCode);
        foreach (var email in new[] { Personas.Therapist1, Personas.Client3 })
        {
            using var other = await shared.App.SignedInWithCookieAsync(email);
            using var response = await other.GetAsync(new Uri("/dev/outbox", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }
}
