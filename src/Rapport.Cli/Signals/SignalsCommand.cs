using System.CommandLine;
using System.Globalization;
using System.Text;
using Rapport.Cli.Instruments;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.Instruments;

namespace Rapport.Cli.Signals;

/// <summary>
/// <c>rapport signals &lt;file.csv&gt;</c>: alliance signals from per-session totals. Input
/// <c>client_id,session,instrument,total</c> with an optional fifth column <c>episode_id</c>: clients sharing an
/// episode id (couple, family, group) are compared session by session for split alliance. Output
/// <c>client_id,session,signal,detail</c>; the detail field is quoted when it contains a comma.
/// </summary>
public static class SignalsCommand
{
    internal const string OutputHeader = "client_id,session,signal,detail";

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = new Argument<FileInfo>("file") { Description = "CSV with header client_id,session,instrument,total[,episode_id]." };
        var data = InstrumentsCommand.DataOption();
        var command = new Command("signals", "Alliance signals: low_alliance, alliance_drop, rupture_repair, unrepaired_rupture, split_alliance.");
        command.Arguments.Add(file);
        command.Options.Add(data);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(data) ?? InstrumentStore.DefaultDataFolder));
        return command;
    }

    private sealed record Row(string Client, int Session, Instrument Instrument, double Total, string? Episode);

    internal static int Run(CliContext context, FileInfo file, string dataFolder)
    {
        if (!file.Exists)
        {
            context.Error.WriteLine($"file not found: {file.FullName}");
            return RapportCli.InvalidInput;
        }

        var rows = new List<Row>();
        var instruments = new Dictionary<string, Instrument>(StringComparer.OrdinalIgnoreCase);
        var withEpisode = false;
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(file.FullName))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (lineNumber == 1)
            {
                var header = line.Trim();
                withEpisode = header == "client_id,session,instrument,total,episode_id";
                if (!withEpisode && header != "client_id,session,instrument,total")
                {
                    context.Error.WriteLine($"line 1: expected header 'client_id,session,instrument,total' (optionally ',episode_id'), found '{header}'");
                    return RapportCli.InvalidInput;
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != (withEpisode ? 5 : 4))
            {
                context.Error.WriteLine($"line {lineNumber}: expected {(withEpisode ? 5 : 4)} comma-separated fields, found {fields.Length}");
                return RapportCli.InvalidInput;
            }

            var client = fields[0].Trim();
            if (client.Length == 0)
            {
                context.Error.WriteLine($"line {lineNumber}: client_id is empty");
                return RapportCli.InvalidInput;
            }

            if (!int.TryParse(fields[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var session) || session < 1)
            {
                context.Error.WriteLine($"line {lineNumber}: session '{fields[1].Trim()}' is not a whole number of at least 1");
                return RapportCli.InvalidInput;
            }

            var id = fields[2].Trim();
            if (!instruments.TryGetValue(id, out var instrument))
            {
                var resolved = InstrumentStore.Resolve(id, dataFolder, out var error);
                if (resolved is null)
                {
                    context.Error.WriteLine($"line {lineNumber}: {error}");
                    return RapportCli.InvalidInput;
                }

                if (resolved.Kind != InstrumentKind.Alliance)
                {
                    context.Error.WriteLine($"line {lineNumber}: {resolved.Id} is not an alliance instrument; alliance instruments: {string.Join(", ", InstrumentCatalog.All.Where(i => i.Kind == InstrumentKind.Alliance).Select(i => i.Id))}");
                    return RapportCli.InvalidInput;
                }

                if (!resolved.IsUsable)
                {
                    context.Error.WriteLine($"line {lineNumber}: {resolved.UnusableReason}");
                    return RapportCli.InvalidInput;
                }

                instruments[id] = instrument = resolved;
            }

            var s = instrument.Scoring;
            if (!double.TryParse(fields[3].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var total) || total < s.TotalMin || total > s.TotalMax)
            {
                context.Error.WriteLine($"line {lineNumber}: total '{fields[3].Trim()}' is not a number from {s.TotalMin} to {s.TotalMax} for {instrument.Id}");
                return RapportCli.InvalidInput;
            }

            var episode = withEpisode && fields[4].Trim().Length > 0 ? fields[4].Trim() : null;
            rows.Add(new Row(client, session, instrument, total, episode));
        }

        var output = new List<(int Order, string Client, AllianceSignal Signal)>();
        var clientOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            clientOrder.TryAdd(row.Client, clientOrder.Count);
        }

        foreach (var series in rows.GroupBy(r => (r.Client, r.Instrument.Id)))
        {
            var points = series.OrderBy(r => r.Session).Select(r => new AlliancePoint(r.Session, r.Total)).ToArray();
            for (var i = 1; i < points.Length; i++)
            {
                if (points[i].Session == points[i - 1].Session)
                {
                    context.Error.WriteLine($"client {series.Key.Client}: session {points[i].Session} appears twice for {series.Key.Id}");
                    return RapportCli.InvalidInput;
                }
            }

            var instrument = series.First().Instrument;
            foreach (var signal in AllianceSignals.Detect(instrument, points))
            {
                if (signal.Kind != AllianceSignalKind.Trend)
                {
                    output.Add((clientOrder[series.Key.Client], series.Key.Client, signal));
                }
            }
        }

        foreach (var group in rows.Where(r => r.Episode is not null).GroupBy(r => (r.Episode, r.Instrument.Id, r.Session)))
        {
            var members = group.Select(r => (r.Client, r.Total)).ToArray();
            foreach (var signal in AllianceSignals.DetectSplit(group.First().Instrument, group.Key.Session, members))
            {
                var client = members.First(m => m.Total == signal.Score).Client;
                output.Add((clientOrder[client], client, signal));
            }
        }

        var sb = new StringBuilder();
        sb.Append(OutputHeader).Append('\n');
        foreach (var (_, client, signal) in output.OrderBy(o => o.Order).ThenBy(o => o.Signal.Session).ThenBy(o => o.Signal.Kind))
        {
            sb.Append(client).Append(',')
                .Append(signal.Session.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(signal.Name).Append(',')
                .Append(Quote(signal.Detail)).Append('\n');
        }

        context.Output.Write(sb.ToString());
        return 0;
    }

    private static string Quote(string field) =>
        field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal)
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
