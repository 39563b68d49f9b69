using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Rapport.Web.Startup;

namespace Rapport.Web.Tests.Startup;

/// <summary>
/// Issue 13 item 5: a database that is unreachable or switching (a failover) is answered 503 with Retry-After, never a
/// 500, in the form each caller reads: a page, a problem document, a FHIR OperationOutcome. The exceptions are the
/// drivers' own, raised against a closed port and a locked file; the server states are those a failover produces.
/// </summary>
public sealed class DatabaseUnavailableTests
{
    [Fact]
    public async Task ClosedPort_NoWritableHost_AndLockedFile_AreUnavailable()
    {
        Assert.True(DatabaseUnavailable.IsUnavailable(await OpenAsync($"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=2")));
        // A multi-host string while no host takes writes: "No suitable host", which Npgsql does not mark transient.
        Assert.True(DatabaseUnavailable.IsUnavailable(await OpenAsync($"Host=127.0.0.1:{ClosedPort()},127.0.0.1:{ClosedPort()};Username=postgres;Target Session Attributes=read-write;Timeout=2")));
        Assert.True(DatabaseUnavailable.IsUnavailable(await LockedSqliteAsync()));
        // As EF Core raises it from SaveChanges.
        Assert.True(DatabaseUnavailable.IsUnavailable(new DbUpdateException("save failed", await LockedSqliteAsync())));
    }

    [Theory]
    [InlineData("57P01", true)] // the old primary's connections end as it goes down
    [InlineData("25006", true)] // a just-promoted node, still read-only
    [InlineData("57P03", true)] // starting up or in recovery
    [InlineData("08006", true)] // connection failure
    [InlineData("23505", false)] // a unique violation is the request's problem, not the database's availability
    [InlineData("42P01", false)] // a missing table is a bug
    public void ServerState_DecidesWhetherItIsUnavailable(string state, bool unavailable)
    {
        var error = new PostgresException("message", "FATAL", "FATAL", state);
        Assert.Equal(unavailable, DatabaseUnavailable.IsUnavailable(error));
        Assert.False(DatabaseUnavailable.IsUnavailable(new InvalidOperationException("not a database error")));
    }

    [Theory]
    [InlineData("/check-in", "text/html")]
    [InlineData("/api/episodes", "application/problem+json")]
    [InlineData("/fhir/Patient", "application/fhir+json")]
    public async Task UnreachableDatabase_Is503WithRetryAfter_InTheCallersForm(string path, string contentType)
    {
        var failure = await OpenAsync($"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=2");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddProblemDetails();
        await using var app = builder.Build();
        app.UseDatabaseUnavailable();
        app.Run(_ => throw failure);
        await app.StartAsync();
        using var http = app.GetTestClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DatabaseUnavailable.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.StartsWith(contentType, response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("try again", body, StringComparison.OrdinalIgnoreCase);
        if (path.StartsWith("/fhir", StringComparison.Ordinal))
        {
            using var outcome = JsonDocument.Parse(body);
            Assert.Equal("OperationOutcome", outcome.RootElement.GetProperty("resourceType").GetString());
            Assert.Equal("transient", outcome.RootElement.GetProperty("issue")[0].GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task OtherFailures_AreLeftToTheErrorPage()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        app.UseDatabaseUnavailable();
        app.Run(_ => throw new PostgresException("duplicate key", "ERROR", "ERROR", "23505"));
        await app.StartAsync();
        using var http = app.GetTestClient();

        await Assert.ThrowsAsync<PostgresException>(() => http.GetAsync(new Uri("/check-in", UriKind.Relative)));
    }

    private static async Task<Exception> OpenAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await Record.ExceptionAsync(() => connection.OpenAsync()) ?? throw new InvalidOperationException("the connection opened");
    }

    /// <summary>A write to a file another connection holds exclusively, past a one-second timeout.</summary>
    private static async Task<Exception> LockedSqliteAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rapport-locked-{Guid.NewGuid():N}.db");
        try
        {
            await using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
            await holder.OpenAsync();
            await using (var create = holder.CreateCommand())
            {
                create.CommandText = "CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);";
                await create.ExecuteNonQueryAsync();
            }

            await using var writer = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=1");
            await writer.OpenAsync();
            await using var insert = writer.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES (2)";
            return await Record.ExceptionAsync(() => insert.ExecuteNonQueryAsync()) ?? throw new InvalidOperationException("the write went through");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
