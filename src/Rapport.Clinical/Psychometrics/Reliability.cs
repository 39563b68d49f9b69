namespace Rapport.Clinical.Psychometrics;

/// <summary>One-factor omega with the loadings it was computed from.</summary>
/// <param name="Omega">McDonald's omega total.</param>
/// <param name="Loadings">Unstandardised one-factor loadings, one per item.</param>
/// <param name="Uniquenesses">Item unique variances.</param>
/// <param name="Iterations">Principal-axis iterations used.</param>
public sealed record OmegaResult(double Omega, IReadOnlyList<double> Loadings, IReadOnlyList<double> Uniquenesses, int Iterations);

/// <summary>
/// Internal consistency from a practice's own responses (rows = respondents, columns = items, complete cases only).
/// Rapport reports these for every instrument, and for the not-yet-validated Session Check they are the evidence.
/// </summary>
public static class Reliability
{
    /// <summary>
    /// Cronbach's alpha (Cronbach 1951): k/(k−1) · (1 − Σ item variances / total variance), sample variances (n − 1).
    /// </summary>
    public static double CronbachAlpha(IReadOnlyList<IReadOnlyList<double>> responses)
    {
        var (_, k) = Shape(responses);
        var itemVariances = 0.0;
        for (var j = 0; j < k; j++)
        {
            itemVariances += Variance(responses, r => r[j]);
        }

        var totalVariance = Variance(responses, r => r.Sum());
        if (totalVariance <= 0)
        {
            throw new ArgumentException("total scores have no variance; alpha is undefined", nameof(responses));
        }

        return k / (k - 1.0) * (1 - (itemVariances / totalVariance));
    }

    /// <summary>
    /// McDonald's omega total for a one-factor model: (Σλ)² / ((Σλ)² + Σψ), computed on the item covariance matrix.
    /// Estimation: iterated principal-axis factoring of one factor. Communalities start at the squared multiple
    /// correlation approximated by each item's largest squared covariance share; each iteration takes the first
    /// eigenpair of the reduced covariance matrix by power iteration, sets λ = v·√eigenvalue and
    /// ψ = max(variance − λ², 0.005·variance) until the loadings change by less than 1e-8 (at most 500 iterations).
    /// This is a least-squares estimate, close to but not identical with a maximum-likelihood CFA (e.g. lavaan).
    /// </summary>
    public static OmegaResult McDonaldOmega(IReadOnlyList<IReadOnlyList<double>> responses)
    {
        var (n, k) = Shape(responses);
        var means = new double[k];
        for (var j = 0; j < k; j++)
        {
            for (var i = 0; i < n; i++)
            {
                means[j] += responses[i][j];
            }

            means[j] /= n;
        }

        var s = new double[k, k];
        for (var a = 0; a < k; a++)
        {
            for (var b = a; b < k; b++)
            {
                var c = 0.0;
                for (var i = 0; i < n; i++)
                {
                    c += (responses[i][a] - means[a]) * (responses[i][b] - means[b]);
                }

                s[a, b] = s[b, a] = c / (n - 1);
            }
        }

        var communality = new double[k];
        for (var j = 0; j < k; j++)
        {
            var best = 0.0;
            for (var m = 0; m < k; m++)
            {
                if (m != j && s[m, m] > 0)
                {
                    best = Math.Max(best, s[j, m] * s[j, m] / s[m, m]);
                }
            }

            communality[j] = Math.Min(best, s[j, j]);
        }

        var loadings = new double[k];
        var vector = Enumerable.Repeat(1 / Math.Sqrt(k), k).ToArray();
        var iterations = 0;
        for (; iterations < 500; iterations++)
        {
            var reduced = (double[,])s.Clone();
            for (var j = 0; j < k; j++)
            {
                reduced[j, j] = communality[j];
            }

            var eigenvalue = PowerIteration(reduced, vector);
            var change = 0.0;
            for (var j = 0; j < k; j++)
            {
                var l = vector[j] * Math.Sqrt(Math.Max(eigenvalue, 0));
                change = Math.Max(change, Math.Abs(l - loadings[j]));
                loadings[j] = l;
                communality[j] = Math.Min(l * l, s[j, j] * 0.995);
            }

            if (change < 1e-8)
            {
                break;
            }
        }

        // A factor's sign is arbitrary; report it so that most loadings are positive.
        if (loadings.Sum() < 0)
        {
            for (var j = 0; j < k; j++)
            {
                loadings[j] = -loadings[j];
            }
        }

        var uniqueness = new double[k];
        for (var j = 0; j < k; j++)
        {
            uniqueness[j] = Math.Max(s[j, j] - (loadings[j] * loadings[j]), 0.005 * s[j, j]);
        }

        var sumLoadings = loadings.Sum();
        var omega = sumLoadings * sumLoadings / ((sumLoadings * sumLoadings) + uniqueness.Sum());
        return new OmegaResult(omega, loadings, uniqueness, iterations + 1);
    }

    private static double PowerIteration(double[,] matrix, double[] vector)
    {
        var k = vector.Length;
        var next = new double[k];
        var eigenvalue = 0.0;
        for (var step = 0; step < 1000; step++)
        {
            for (var a = 0; a < k; a++)
            {
                var sum = 0.0;
                for (var b = 0; b < k; b++)
                {
                    sum += matrix[a, b] * vector[b];
                }

                next[a] = sum;
            }

            var norm = Math.Sqrt(next.Sum(v => v * v));
            if (norm == 0)
            {
                return 0;
            }

            var delta = 0.0;
            for (var a = 0; a < k; a++)
            {
                var v = next[a] / norm;
                delta = Math.Max(delta, Math.Abs(v - vector[a]));
                vector[a] = v;
            }

            eigenvalue = norm;
            if (delta < 1e-12)
            {
                break;
            }
        }

        return eigenvalue;
    }

    private static (int N, int K) Shape(IReadOnlyList<IReadOnlyList<double>> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        if (responses.Count < 3)
        {
            throw new ArgumentException("need at least three respondents", nameof(responses));
        }

        var k = responses[0].Count;
        if (k < 2)
        {
            throw new ArgumentException("need at least two items", nameof(responses));
        }

        for (var i = 0; i < responses.Count; i++)
        {
            if (responses[i].Count != k)
            {
                throw new ArgumentException($"respondent {i + 1} has {responses[i].Count} items, expected {k}", nameof(responses));
            }
        }

        return (responses.Count, k);
    }

    private static double Variance(IReadOnlyList<IReadOnlyList<double>> rows, Func<IReadOnlyList<double>, double> value)
    {
        var mean = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            mean += value(rows[i]);
        }

        mean /= rows.Count;
        var sum = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            var d = value(rows[i]) - mean;
            sum += d * d;
        }

        return sum / (rows.Count - 1);
    }
}
