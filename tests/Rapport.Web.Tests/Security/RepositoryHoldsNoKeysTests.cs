using System.Diagnostics;

namespace Rapport.Web.Tests.Security;

/// <summary>Issue 10: a Data Protection master key was committed. No key file may be tracked again.</summary>
public sealed class RepositoryHoldsNoKeysTests
{
    [Fact]
    public void Git_TracksNoKeyFile_AndNoFileHoldsAMasterKey()
    {
        var root = RepositoryRoot();
        if (root is null || Git(root, "rev-parse --is-inside-work-tree") is not { Code: 0 })
        {
            return; // Not a git checkout (a source archive): nothing is tracked, so nothing to check.
        }

        var tracked = Git(root, "ls-files")!.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keyFiles = tracked.Where(IsKeyFile).ToList();
        Assert.True(keyFiles.Count == 0, "Key files tracked by git: " + string.Join(", ", keyFiles));

        // git grep exits 1 when nothing matches. Built from parts so this file is not itself a match.
        var masterKey = Git(root, "grep -l -F \"<" + "masterKey\"")!.Value;
        Assert.True(masterKey.Code == 1, "Files holding a Data Protection master key: " + masterKey.Output);
    }

    [Theory]
    [InlineData("src/Rapport.Web/data/keys/key-1b2c.xml")]
    [InlineData("keys/key-1b2c.xml")]
    [InlineData("deploy/site.pfx")]
    [InlineData("deploy/tls.key")]
    [InlineData("deploy/tls.pem")]
    [InlineData("src/Rapport.Web/data/field-keys.json")]
    [InlineData("anywhere/data/rapport.db")]
    public void GitIgnore_CoversKeyFilesAndDataFolders_WhereverTheyAre(string path)
    {
        var root = RepositoryRoot();
        if (root is null || Git(root, "rev-parse --is-inside-work-tree") is not { Code: 0 })
        {
            return;
        }

        Assert.True(Git(root, $"check-ignore -q --no-index \"{path}\"") is { Code: 0 }, $"{path} is not ignored by .gitignore");
    }

    private static bool IsKeyFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".key", StringComparison.OrdinalIgnoreCase) || name.Equals("field-keys.json", StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("key-", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            || path.Split('/').Contains("data");
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rapport.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static (int Code, string Output)? Git(string root, string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return (git.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}
