namespace Rapport.Cli.Tests.Clinical;

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

internal static class CliRunner
{
    // One folder per test run, removed when the test host exits, so runs leave nothing behind in /tmp.
    private static readonly string Folder = CreateFolder();

    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "rapport-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }

    public static string TempFolder() => Path.Combine(Folder, Guid.NewGuid().ToString("N"));

    public static async Task<CliRun> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RapportCli.RunAsync(args, output, error);
        return new CliRun(code, output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), error.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    public static string TempFile(string content, string extension = ".csv")
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, content);
        return path;
    }
}
