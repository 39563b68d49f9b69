using Npgsql;

namespace Rapport.LoadTest;

/// <summary>How the app's connection string changes behind pgbouncer in transaction pooling (docs/operations.md).</summary>
internal static class PgBouncer
{
    public static string AppConnectionString(NpgsqlConnectionStringBuilder direct, int port)
    {
        var viaBouncer = new NpgsqlConnectionStringBuilder(direct.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = port,
            // A server connection is handed to another client after each transaction: Npgsql must not send
            // DISCARD ALL on close for a session pgbouncer already reset, nor keep server-side prepared statements
            // on a connection that is not its own.
            NoResetOnClose = true,
            MaxAutoPrepare = 0,
        };
        return viaBouncer.ConnectionString;
    }
}
