using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Rapport.Durability.Tests;

/// <summary>
/// The real app as an operator runs it: <c>dotnet Rapport.Web.dll</c> in its own process on a free loopback port, with
/// its database, key rings and outbox in a test folder (Development, so the demo practices are there to check in).
/// <see cref="Kill"/> is SIGKILL: no shutdown hook, no flush, no drain runs.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _log;
    private Process? _process;

    public AppProcess(string folder, IReadOnlyDictionary<string, string> settings)
    {
        Folder = folder;
        _settings = settings;
        _log = Path.Combine(folder, "app.log");
        Port = FreePort();
        Address = new Uri($"http://127.0.0.1:{Port}/");
    }

    public string Folder { get; }

    public int Port { get; }

    public Uri Address { get; }

    /// <summary>The settings every durability run shares: the folder's files, and no sign-in rate limit (dozens of clients sign in from one address).</summary>
    public static Dictionary<string, string> SettingsFor(string folder, Persistence.DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = database.Provider.ToString(),
            ["Database__KeyRingPath"] = database.KeyRingPath ?? Path.Combine(folder, "keys", "field-keys.json"),
            ["DataProtection__CertificatePath"] = Path.Combine(folder, "keys", "dataprotection.pfx"),
            ["Email__OutboxPath"] = Path.Combine(folder, "outbox"),
            ["Demo__Seed"] = "true",
            ["RateLimits__SignInPerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (database.Provider == Persistence.DatabaseProvider.Sqlite)
        {
            settings["Database__Path"] = database.Path;
        }
        else
        {
            settings["ConnectionStrings__Rapport"] = database.ConnectionString!;
        }

        return settings;
    }

    /// <summary>The app's build output beside this test's (same configuration): <c>src/Rapport.Web/bin/&lt;configuration&gt;/net10.0</c>.</summary>
    public static string AppFolder()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Rapport.slnx")))
        {
            root = root.Parent;
        }

        var folder = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Rapport.slnx not found above the test's folder"),
            "src", "Rapport.Web", "bin", configuration, framework);
        return File.Exists(Path.Combine(folder, "Rapport.Web.dll")) ? folder : throw new InvalidOperationException($"Rapport.Web.dll not built in {folder}");
    }

    /// <summary>Starts the app and waits until <c>/health/ready</c> answers 200 (migrations applied, key rings loaded).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var app = AppFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(app, "Rapport.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{Port}");
        foreach (var (key, value) in _settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process = process;
        var log = new StreamWriter(_log, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (log) { log.WriteLine($"--- exited {DateTime.UtcNow:O}"); } };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // Generous: beside the other test projects on two cores a start has taken over 30 s.
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5));
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode} during start:\n{Log()}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri(Address, "health/ready"));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The app was not ready within the time allowed:\n{Log()}");
    }

    /// <summary>SIGKILL (Process.Kill on Unix), then waits for the process to be gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }
    }

    public string Log()
    {
        try
        {
            using var stream = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return text.Length > 6000 ? text[^6000..] : text;
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
