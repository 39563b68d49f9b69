namespace Rapport.Clinical.Insights;

/// <summary>
/// The smallest number of finished episodes a figure is shown for. Below it a proportion's interval is so wide that the
/// figure misleads more than it informs (a 95 % Wilson interval for 2 of 4 runs from 15 % to 85 %), and small cells
/// risk identifying a client.
/// </summary>
public static class MinimumN
{
    /// <summary>Rapport's default.</summary>
    public const int Default = 10;

    /// <summary>A practice may lower the minimum to this, never below.</summary>
    public const int Floor = 5;

    /// <summary>The practice's setting, never below <see cref="Floor"/>.</summary>
    public static int Effective(int? configured) => Math.Max(Floor, configured ?? Default);

    /// <summary>Why a figure from <paramref name="n"/> is hidden, or <c>null</c> when it may be shown.</summary>
    public static string? HiddenBecause(int n, int minimum, string what = "finished episodes") =>
        n >= minimum ? null : $"not enough {what} (n = {n}; at least {minimum} needed)";
}
