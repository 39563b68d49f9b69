using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Rapport.Email;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>
/// Issue 10, password-reset poisoning: links were built from the request's Host header, so a reset requested with
/// <c>Host: evil.example</c> mailed the victim a link (and its code) to evil.example. Every emailed link is on the
/// configured site only.
/// </summary>
public sealed partial class EmailedLinkTests : IDisposable
{
    private const string Site = "https://rapport.example.org";

    // AllowedHosts opened up here on purpose, so the request reaches the page and the link builder itself is tested
    // (in production the host filter refuses a foreign Host first: ProductionStartTests).
    private readonly RapportApp _app = new(settings: new Dictionary<string, string> { ["SiteUrl"] = Site, ["AllowedHosts"] = "*" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task PasswordReset_RequestedWithAForeignHost_MailsALinkToTheConfiguredSiteOnly()
    {
        using var evil = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://evil.example") });
        var page = await evil.GetStringAsync(new Uri("/Account/ForgotPassword", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Personas.Therapist1,
            ["_handler"] = "forgot-password",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
        });

        using var response = await evil.PostAsync(new Uri("/Account/ForgotPassword", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mail = Assert.Single(OutboxMailer.Read(new EmailOptions { OutboxPath = _app.OutboxPath }), m => m.To == Personas.Therapist1);
        Assert.Contains($"{Site}/Account/ResetPassword?code=", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", mail.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("http://evil.example/api/identity/confirmEmail?userId=1&code=abc", "https://rapport.example.org/api/identity/confirmEmail?userId=1&code=abc")]
    [InlineData("https://evil.example:8443/Account/ConfirmEmail?code=x", "https://rapport.example.org/Account/ConfirmEmail?code=x")]
    public void ALinkMadeFromTheRequest_IsPutOnTheConfiguredSite(string made, string sent) =>
        Assert.Equal(sent, new SiteLinks(Site).Rebase(made));

    [Fact]
    public void ASiteUnderAPath_KeepsItsPath() =>
        Assert.Equal("https://example.org/rapport/invitations/accept", new SiteLinks("https://example.org/rapport").To("/invitations/accept"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
