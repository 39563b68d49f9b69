using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Accounts;
using Rapport.Staff;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Security;

/// <summary>
/// A sign-in is checked against the account on every request (issue 10, items 1, 8, 9): a cookie or bearer token stops
/// working as soon as the password changes, the account is locked, deleted or the staff member deactivated, the person
/// signs out, or it was never issued for a real account at all.
/// </summary>
public sealed partial class SignInValidityTests : IDisposable
{
    private const string NewPassword = "a completely different passphrase 2026";
    private readonly RapportApp _app = new();

    public enum Ending
    {
        PasswordChanged,
        LockedOut,
        Deleted,
        Deactivated,
    }

    [Theory]
    [InlineData(Ending.PasswordChanged, Personas.Therapist2)]
    [InlineData(Ending.LockedOut, Personas.Client1)]
    [InlineData(Ending.Deleted, Personas.Client2)]
    [InlineData(Ending.Deactivated, Personas.Therapist3)]
    public async Task TokenAndCookie_OfSomeoneWhoseSignInEnded_AreRefusedAtOnce(Ending ending, string email)
    {
        using var token = await _app.SignedInAsync(email);
        using var cookie = await _app.SignedInWithCookieAsync(email);
        var page = email.StartsWith("client", StringComparison.Ordinal) ? "/me" : "/caseload";
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(token, "/api/me"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(cookie, page));

        await EndAsync(ending, email);

        using var pageResponse = await cookie.GetAsync(new Uri(page, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, pageResponse.StatusCode);
        Assert.Contains("/Account/Login", pageResponse.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(cookie, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token, page.StartsWith("/me", StringComparison.Ordinal) ? "/api/my/care" : "/api/caseload"));
    }

    [Fact]
    public async Task ValidlyProtectedTokenOrCookie_ForAMadeUpUserId_IsRefused()
    {
        using var token = await ForgedSignIn.WithTokenAsync(_app);
        using var cookie = await ForgedSignIn.WithCookieAsync(_app);
        var client11 = await _app.ClientIdAsync(Personas.Client11);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token, $"/api/clients/{client11}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(cookie, $"/api/clients/{client11}"));
        using var page = await cookie.GetAsync(new Uri($"/clients/{client11}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessToken_LastsTheIdleWindow_ARefreshTokenWorksOnce_AndAReplayEndsTheWholeChain()
    {
        using var client = _app.Anonymous();
        using var login = await client.PostAsJsonAsync("/api/identity/login", new { email = Personas.Client3, password = RapportApp.Password });
        var first = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(15 * 60, first.GetProperty("expiresIn").GetInt32());
        var refreshToken = first.GetProperty("refreshToken").GetString();

        using var refreshed = await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken });
        var next = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        using var rotated = await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = next });
        var latest = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        // Someone presents the first (spent) token again: one chain has two holders, so every token of the person ends.
        using var replayed = await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken });
        using var afterReplay = await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = latest });

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.StatusCode);
    }

    [Fact]
    public async Task SigningOut_OnTheApiOrThePage_EndsEveryTokenAndCookieOfThePerson()
    {
        using var token = await _app.SignedInAsync(Personas.Client4);
        using var otherToken = await _app.SignedInAsync(Personas.Client4);
        using var cookie = await _app.SignedInWithCookieAsync(Personas.Client4);
        using var signOut = await token.PostAsync(new Uri("/api/identity/logout", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(otherToken, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(cookie, "/api/me"));

        using var browser = await _app.SignedInWithCookieAsync(Personas.Client5);
        using var api = await _app.SignedInAsync(Personas.Client5);
        var form = await browser.GetStringAsync(new Uri("/me", UriKind.Relative));
        using var content = new FormUrlEncodedContent([new("returnUrl", "/"), new("__RequestVerificationToken", AntiforgeryToken().Match(form).Groups[1].Value)]);
        using var pageSignOut = await browser.PostAsync(new Uri("/Account/Logout", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Redirect, pageSignOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(api, "/api/me"));
    }

    [Fact]
    public async Task DeactivatedStaff_CannotSignIn_TheirClientsStayWithTheCareTeam_AndReactivationRestoresAccess()
    {
        var client11 = await _app.ClientIdAsync(Personas.Client11);
        var staffId = (await _app.ViewerForAsync(Personas.Therapist1)).StaffMemberId!.Value;

        await _app.SetStaffActiveAsync(Personas.Therapist1, active: false);
        using var anonymous = _app.Anonymous();
        using var refused = await anonymous.PostAsJsonAsync("/api/identity/login", new { email = Personas.Therapist1, password = RapportApp.Password });
        using var supervisor = await _app.SignedInAsync(Personas.Supervisor);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(supervisor, $"/api/clients/{client11}"));

        await _app.SetStaffActiveAsync(Personas.Therapist1, active: true);
        using var back = await _app.SignedInAsync(Personas.Therapist1);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(back, $"/api/clients/{client11}"));

        await using var db = _app.SystemDb();
        var reasons = await db.AuditEntries.Where(e => e.RecordType == nameof(StaffMember) && e.RecordId == staffId.ToString())
            .OrderBy(e => e.Sequence).Select(e => e.Reason).ToListAsync();
        Assert.Equal([ChangeStaffAccess.Deactivated, ChangeStaffAccess.Reactivated], reasons);
    }

    [Fact]
    public async Task AdminPage_DeactivatesOnlyAfterTheConfirmStep_AndEndsTheirSignInAtOnce()
    {
        var staffId = (await _app.ViewerForAsync(Personas.Therapist3)).StaffMemberId!.Value;
        using var therapist = await _app.SignedInWithCookieAsync(Personas.Therapist3);
        using var admin = await _app.SignedInWithCookieAsync(Personas.HarbourAdmin);

        using var ask = await PostFormAsync(admin, "/admin", "staff-access-ask", [new("Ask.Target", $"deactivate:{staffId}")]);
        var askPage = await ask.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        Assert.Contains("Deactivate Tom Lindqvist?", askPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(therapist, "/caseload"));

        using var confirm = await PostFormAsync(admin, "/admin", "staff-access", [new("Access.StaffId", staffId.ToString()), new("Access.Active", "false")]);
        Assert.Contains("Tom Lindqvist is deactivated.", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(therapist, "/caseload"));
        await using var db = _app.SystemDb();
        Assert.False(await db.StaffMembers.Where(s => s.Id == staffId).Select(s => s.Active).SingleAsync());
    }

    [Theory]
    [InlineData("http://evil.example/")]
    [InlineData("https://evil.example/account")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/\t/evil.example")]
    [InlineData("http://localhost///evil.example/")]
    public async Task SignIn_WithAReturnUrlThatIsNotLocal_GoesHome_WithoutAnError(string returnUrl)
    {
        using var browser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var response = await SignInOnThePageAsync(browser, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.DoesNotContain("evil", location.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(location.IsAbsoluteUri ? location.Host == "localhost" : location.OriginalString.StartsWith('/') && !location.OriginalString.StartsWith("//", StringComparison.Ordinal), location.ToString());
    }

    [Fact]
    public async Task SignIn_WithALocalReturnUrl_GoesThere()
    {
        using var browser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var response = await SignInOnThePageAsync(browser, "/me/progress");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/me/progress", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SignInOnThePageAsync(HttpClient browser, string returnUrl)
    {
        var url = "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        using var response = await PostFormAsync(browser, url, "login", [new("Input.Email", Personas.Client6), new("Input.Password", RapportApp.Password)]);
        var copy = new HttpResponseMessage(response.StatusCode);
        copy.Headers.Location = response.Headers.Location;
        return copy;
    }

    private async Task EndAsync(Ending ending, string email)
    {
        if (ending == Ending.Deactivated)
        {
            await _app.SetStaffActiveAsync(email, active: false);
            return;
        }

        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<RapportUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        var result = ending switch
        {
            Ending.PasswordChanged => await users.ChangePasswordAsync(user, RapportApp.Password, NewPassword),
            Ending.LockedOut => await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddHours(1)),
            _ => await users.DeleteAsync(user),
        };
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string handler, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var page = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.True((int)page.StatusCode < 500, $"GET {url}: {(int)page.StatusCode}");
        var token = AntiforgeryToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)).Append(new("_handler", handler)));
        return await client.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    public void Dispose() => _app.Dispose();
}
