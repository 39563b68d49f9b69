using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Rapport.Durability.Tests;

/// <summary>Runs the PostgreSQL tools and the formation script the way an operator would, and finds free loopback ports.</summary>
internal static class Shell
{
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Rapport.slnx")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("Rapport.slnx not found above the test's folder");
    }

    public static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }

        return await output;
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>A free loopback port, or <paramref name="count"/> consecutive ones (the formation's monitor and two nodes).</summary>
    public static int FreePorts(int count = 1)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(40000, 50000);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException("no free loopback ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>
/// A PostgreSQL server of this test's own with production durability (fsync, synchronous_commit and full_page_writes on,
/// the defaults), not the run's shared test server (which turns them off for speed): durability is what is tested.
/// </summary>
internal sealed class DurablePostgres : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _bin;

    private readonly int _port;
    private static int _started;

    private DurablePostgres(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        _port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=rapport_durable";
    }

    public string ConnectionString { get; }

    public static async Task<DurablePostgres> StartAsync(string folder)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed: apt-get install -y postgresql (./test.sh does)");
        // RAPPORT_DURABLE_PG_PORT pins the ports on a shared machine: the first server takes it, the next one port more.
        var port = int.TryParse(Environment.GetEnvironmentVariable("RAPPORT_DURABLE_PG_PORT"), out var p) ? p + Interlocked.Increment(ref _started) - 1 : Shell.FreePorts();
        var data = Path.Combine(folder, "pg");
        Directory.CreateDirectory(data);
        await Shell.RunAsync("chown", "postgres:postgres", data);
        var server = new DurablePostgres(data, bin, port);
        // --no-sync makes only initdb's own files quick to write; the server below syncs every commit.
        await Shell.RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "initdb"), "-D", Path.Combine(data, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        await server.StartAgainAsync();
        await Shell.RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "createdb"), "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "rapport_durable");
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port and data.</summary>
    public Task StartAgainAsync() =>
        Shell.RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "server.log"), "-w",
            "-o", $"-c listen_addresses=127.0.0.1 -p {_port} -k {_folder} -c fsync=on -c synchronous_commit=on -c full_page_writes=on", "start");

    /// <summary>Stops the server at once, as a crash would (immediate: no checkpoint; the next start recovers from the WAL).</summary>
    public Task StopAsync() =>
        Shell.RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
    }
}
