using System.Net;
using Microsoft.Extensions.Time.Testing;
using Rapport.Web.Tests.Support;

namespace Rapport.Web.Tests.Pages;

/// <summary>Automatic logoff (HIPAA 164.312(a)(2)(iii)): staff after 15 idle minutes, clients after 30, sliding while active.</summary>
public sealed class IdleSignOutTests
{
    [Fact]
    public async Task Staff_AreSignedOutAfter15IdleMinutes_ButStaySignedInWhileActive()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new RapportApp(clock: clock);
        using var client = await app.SignedInWithCookieAsync(Personas.Therapist1);

        clock.Advance(TimeSpan.FromMinutes(10));
        using var active = await client.GetAsync(new Uri("/caseload", UriKind.Relative));
        clock.Advance(TimeSpan.FromMinutes(14));
        using var stillActive = await client.GetAsync(new Uri("/caseload", UriKind.Relative));
        clock.Advance(TimeSpan.FromMinutes(16));
        using var idle = await client.GetAsync(new Uri("/caseload", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillActive.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.Contains("/Account/Login", idle.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_HaveThirtyIdleMinutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new RapportApp(clock: clock);
        using var client = await app.SignedInWithCookieAsync(Personas.Client2);

        clock.Advance(TimeSpan.FromMinutes(25));
        using var withinThirty = await client.GetAsync(new Uri("/me", UriKind.Relative));
        clock.Advance(TimeSpan.FromMinutes(31));
        using var idle = await client.GetAsync(new Uri("/me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, withinThirty.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
    }
}
