using System.Text;

namespace Rapport.Listening.Coding;

/// <summary>Per-class precision, recall and F1, macro-F1, accuracy, Cohen's kappa and the confusion matrix.</summary>
public sealed class ClassificationReport
{
    private readonly int[,] _matrix;

    public ClassificationReport(IReadOnlyList<string> classes, IEnumerable<(string Expected, string Predicted)> pairs)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(pairs);
        Classes = classes;
        _matrix = new int[classes.Count, classes.Count];
        foreach (var (expected, predicted) in pairs)
        {
            var e = IndexOf(expected);
            var p = IndexOf(predicted);
            if (e >= 0 && p >= 0)
            {
                _matrix[e, p]++;
                Total++;
            }
        }
    }

    public IReadOnlyList<string> Classes { get; }

    public int Total { get; }

    /// <summary>Rows: reference label; columns: predicted label.</summary>
    public int Count(int expected, int predicted) => _matrix[expected, predicted];

    public int Support(int c) => Enumerable.Range(0, Classes.Count).Sum(p => _matrix[c, p]);

    public double Precision(int c)
    {
        var predicted = Enumerable.Range(0, Classes.Count).Sum(e => _matrix[e, c]);
        return predicted == 0 ? 0 : (double)_matrix[c, c] / predicted;
    }

    public double Recall(int c)
    {
        var support = Support(c);
        return support == 0 ? 0 : (double)_matrix[c, c] / support;
    }

    public double F1(int c)
    {
        var p = Precision(c);
        var r = Recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double MacroF1 => Enumerable.Range(0, Classes.Count).Average(F1);

    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Classes.Count).Sum(c => _matrix[c, c]) / Total;

    /// <summary>Cohen's kappa, comparable with the human agreement AnnoMI reports (Fleiss kappa 0.74, 4-way).</summary>
    public double Kappa
    {
        get
        {
            if (Total == 0)
            {
                return 0;
            }

            var expectedAgreement = 0.0;
            for (var c = 0; c < Classes.Count; c++)
            {
                var predicted = Enumerable.Range(0, Classes.Count).Sum(e => _matrix[e, c]);
                expectedAgreement += (double)Support(c) / Total * predicted / Total;
            }

            return expectedAgreement >= 1 ? 1 : (Accuracy - expectedAgreement) / (1 - expectedAgreement);
        }
    }

    public string ToText(string title)
    {
        var width = Math.Max(10, Classes.Max(c => c.Length) + 1);
        var sb = new StringBuilder();
        sb.AppendLine(title);
        sb.Append("class".PadRight(width)).AppendLine(" precision  recall      f1  support");
        for (var c = 0; c < Classes.Count; c++)
        {
            sb.Append(Classes[c].PadRight(width))
                .Append($"{Precision(c),10:F3}{Recall(c),8:F3}{F1(c),8:F3}{Support(c),9}").AppendLine();
        }

        sb.AppendLine($"macro-F1 {MacroF1:F3}  accuracy {Accuracy:F3}  kappa {Kappa:F3}  n={Total}");
        sb.AppendLine("confusion matrix (rows: reference, columns: predicted)");
        sb.Append(string.Empty.PadRight(width));
        foreach (var c in Classes)
        {
            sb.Append(Abbreviate(c).PadLeft(10));
        }

        sb.AppendLine();
        for (var e = 0; e < Classes.Count; e++)
        {
            sb.Append(Classes[e].PadRight(width));
            for (var p = 0; p < Classes.Count; p++)
            {
                sb.Append(_matrix[e, p].ToString().PadLeft(10));
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    // "question:closed" → "q:closed", "reflection" → "reflectio": columns stay 10 wide and distinct.
    private static string Abbreviate(string label)
    {
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var shortLabel = colon < 0 ? label : label[0] + ":" + label[(colon + 1)..];
        return shortLabel.Length <= 9 ? shortLabel : shortLabel[..9];
    }

    private int IndexOf(string label)
    {
        for (var i = 0; i < Classes.Count; i++)
        {
            if (Classes[i] == label)
            {
                return i;
            }
        }

        return -1;
    }
}
