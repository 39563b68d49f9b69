using System.Diagnostics;
using Npgsql;

namespace Rapport.Cli.Backups;

/// <summary>
/// Runs PostgreSQL's own <c>pg_dump</c> and <c>pg_restore</c>. They are found in <c>RAPPORT_PG_BIN</c>, else the newest
/// <c>/usr/lib/postgresql/*/bin</c> (Debian's layout, as test.sh finds them; a pg_dump older than the server refuses
/// to dump), else on the PATH. The connection goes through the PG* environment variables, so no password is ever on a
/// command line another account could read in the process list.
/// </summary>
public static class PostgresTools
{
    public sealed record Run(int ExitCode, string Error);

    public static string Find(string tool)
    {
        if (Environment.GetEnvironmentVariable("RAPPORT_PG_BIN") is { Length: > 0 } configured)
        {
            return Path.Combine(configured, tool);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Dir, "bin", tool)))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", tool))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return tool;
    }

    /// <summary>The libpq environment for <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public static Dictionary<string, string> LibpqEnvironment(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                env[name] = value;
            }
        }

        Set("PGHOST", b.Host);
        Set("PGPORT", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("PGUSER", b.Username);
        Set("PGPASSWORD", b.Password);
        Set("PGDATABASE", b.Database);
        Set("PGSSLMODE", b.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        });
        return env;
    }

    /// <summary>Runs a tool to completion; <paramref name="onLine"/>, when given, reads its standard output line by line.</summary>
    public static async Task<Run> RunAsync(string tool, IEnumerable<string> arguments, string connectionString, Action<string>? onLine, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Find(tool))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in LibpqEnvironment(connectionString))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(cancellationToken)) is not null)
        {
            onLine?.Invoke(line);
        }

        await process.WaitForExitAsync(cancellationToken);
        return new Run(process.ExitCode, (await error).Trim());
    }
}
