using System.CommandLine;

namespace Rapport.Cli;

/// <summary><c>rapport db …</c>: database maintenance with the same configuration as the app.</summary>
public static class DatabaseCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = new Command("db", "Database maintenance.");
        return db;
    }
}
