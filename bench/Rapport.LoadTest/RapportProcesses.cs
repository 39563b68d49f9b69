using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Rapport.LoadTest;

/// <summary>
/// The real app and the real <c>rapport</c> CLI, as built (Release) in this checkout, run as child processes on
/// loopback. Both read the same settings (environment variables) and the same key ring, in one working folder per run.
/// </summary>
internal sealed partial class RapportProcesses(string repository, string folder, IReadOnlyDictionary<string, string> settings)
{
    public static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rapport.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the load test from a Rapport checkout (no Rapport.slnx above it).");
    }

    private string Dll(string project) => Path.Combine(repository, "src", project, "bin", "Release", "net10.0", project + ".dll");

    /// <summary>A synthetic practice through the product's own seeding (<c>rapport demo seed --clients N --client-sign-ins</c>); returns its slug.</summary>
    public async Task<string> SeedAsync(int clients, string password, CancellationToken cancellationToken)
    {
        var output = await RunCliAsync(["demo", "seed", "--clients", clients.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sessions", "2", "--client-sign-ins", "--password", password], cancellationToken);
        return SlugPattern().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"rapport demo seed said: {output}");
    }

    public async Task<string> RunCliAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var cli = Start(Dll("Rapport.Cli"), arguments, redirect: true);
        var output = cli.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = cli.StandardError.ReadToEndAsync(cancellationToken);
        await cli.WaitForExitAsync(cancellationToken);
        var text = await output + await error;
        return cli.ExitCode == 0 ? text : throw new InvalidOperationException($"rapport {string.Join(' ', arguments)} failed ({cli.ExitCode}): {text}");
    }

    /// <summary>Starts the web app on a free loopback port and waits until <c>/health/ready</c> says so.</summary>
    public async Task<(Process Process, Uri Url)> StartAppAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var app = Start(Dll("Rapport.Web"), [], redirect: false, ("ASPNETCORE_URLS", url.ToString().TrimEnd('/')));
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"The app exited at start ({app.ExitCode}); its log is in {folder}.");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return (app, url);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, cancellationToken);
        }

        app.Kill(entireProcessTree: true);
        throw new TimeoutException("The app did not become ready within 120 s.");
    }

    private Process Start(string dll, IReadOnlyList<string> arguments, bool redirect, params (string Key, string Value)[] extra)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build it first: dotnet build -c Release ({dll} is missing).", dll);
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings.Concat(extra.Select(e => KeyValuePair.Create(e.Key, e.Value))))
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        if (!redirect)
        {
            // The app's own log goes to a file in the run's folder; reading it keeps the pipes from filling up.
            var log = new StreamWriter(Path.Combine(folder, "app.log"), append: true) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("in practice '([^']+)'")]
    private static partial Regex SlugPattern();
}
