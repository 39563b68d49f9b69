using System.CommandLine;
using System.Globalization;
using System.Text;
using Rapport.Cli.Instruments;
using Rapport.Clinical.Scoring;

namespace Rapport.Cli.Scoring;

/// <summary>
/// <c>rapport score --instrument &lt;id&gt; --answers &lt;v1,v2,…&gt;</c>: scores one response and prints one JSON object.
/// Answers are item values in item order; an empty field is an unanswered item (e.g. <c>1,2,,0</c>). Negative values
/// (C-NIP) need the <c>--answers=-3,…</c> form. Invalid input: exit 2, one line on stderr, nothing on stdout.
/// </summary>
public static class ScoreCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var instrumentOption = new Option<string>("--instrument") { Description = "Instrument id (see `rapport instruments`).", Required = true };
        var answersOption = new Option<string>("--answers") { Description = "Item values in order, comma-separated; leave a field empty for a missing answer.", Required = true };
        var data = InstrumentsCommand.DataOption();
        var command = new Command("score", "Score one response: total, severity, subscales, completeness and risk alerts as JSON.");
        command.Options.Add(instrumentOption);
        command.Options.Add(answersOption);
        command.Options.Add(data);
        command.SetAction(parse =>
        {
            var id = parse.GetValue(instrumentOption)!;
            var instrument = InstrumentStore.Resolve(id, parse.GetValue(data) ?? InstrumentStore.DefaultDataFolder, out var error);
            if (instrument is null)
            {
                context.Error.WriteLine(error);
                return RapportCli.InvalidInput;
            }

            if (!instrument.IsUsable)
            {
                context.Error.WriteLine(instrument.UnusableReason);
                return RapportCli.InvalidInput;
            }

            var fields = (parse.GetValue(answersOption) ?? string.Empty).Split(',');
            var s = instrument.Scoring;
            if (fields.Length != instrument.Items.Count)
            {
                context.Error.WriteLine($"{instrument.Id} needs {instrument.Items.Count} answers (items {instrument.Items[0].LinkId}..{instrument.Items[^1].LinkId}, each {s.ItemMin} to {s.ItemMax}, empty = missing), got {fields.Length}");
                return RapportCli.InvalidInput;
            }

            var values = new int?[fields.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                var text = fields[i].Trim();
                if (text.Length == 0)
                {
                    continue;
                }

                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                {
                    context.Error.WriteLine($"item {instrument.Items[i].LinkId}: '{text}' is not a number; allowed {s.ItemMin} to {s.ItemMax}");
                    return RapportCli.InvalidInput;
                }

                values[i] = v;
            }

            var outcome = ScoreResponse.ScoreInOrder(instrument, values);
            if (outcome.Result is not { } result)
            {
                context.Error.WriteLine(outcome.Errors[0].Message);
                return RapportCli.InvalidInput;
            }

            context.Output.WriteLine(ToJson(result));
            return 0;
        });
        return command;
    }

    internal static string ToJson(ScoreResult result)
    {
        var sb = new StringBuilder(160);
        sb.Append("{\"instrument\":").Append(Str(result.InstrumentId))
            .Append(",\"total\":").Append(result.Total is { } t ? t.ToString(CultureInfo.InvariantCulture) : "null")
            .Append(",\"severity\":").Append(result.Severity is { } sev ? Str(sev) : "null")
            .Append(",\"subscales\":{");
        var first = true;
        foreach (var (key, value) in result.Subscales)
        {
            sb.Append(first ? string.Empty : ",").Append(Str(key)).Append(':')
                .Append(value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "null");
            first = false;
        }

        sb.Append("},\"complete\":").Append(result.Complete ? "true" : "false");
        if (result.Prorated)
        {
            sb.Append(",\"prorated\":true");
        }

        if (result.IncompleteReason is { } reason)
        {
            sb.Append(",\"incomplete_reason\":").Append(Str(reason));
        }

        sb.Append(",\"alerts\":[");
        for (var i = 0; i < result.Alerts.Count; i++)
        {
            sb.Append(i == 0 ? string.Empty : ",")
                .Append("{\"kind\":").Append(Str(result.Alerts[i].Kind))
                .Append(",\"item\":").Append(Str(result.Alerts[i].Item)).Append('}');
        }

        return sb.Append("]}").ToString();
    }

    private static string Str(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
