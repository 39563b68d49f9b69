using Rapport.Clinical.Insights;
using Rapport.Clinical.Psychometrics;

namespace Rapport.Clinical.Tests.Insights;

public class EstimatesTests
{
    [Fact]
    public void Wilson_FiveOfTen_MatchesHandWorkedInterval()
    {
        // p = .5, z² = 3.8415: centre (.5 + .19207)/1.38415 = .5; half 1.41600·√(.025 + .009604) = .26340.
        var e = Estimates.Proportion(5, 10);
        Assert.Equal(0.5, e.Value, 6);
        Assert.Equal(0.2366, e.Lower, 4);
        Assert.Equal(0.7634, e.Upper, 4);
        Assert.Equal(10, e.N);
    }

    [Fact]
    public void Wilson_NoneOfTen_StaysInsideZeroToOne_WhereWaldWouldCollapseToAPoint()
    {
        // Upper bound = z²/n / (1 + z²/n) = .38415/1.38415 = .2775.
        var e = Estimates.Proportion(0, 10);
        Assert.Equal(0, e.Lower, 10);
        Assert.Equal(0.2775, e.Upper, 4);
        var all = Estimates.Proportion(10, 10);
        Assert.Equal(1, all.Upper, 10);
        Assert.Equal(0.7225, all.Lower, 4);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, 0)]
    public void Wilson_WithImpossibleCounts_IsRefused(int events, int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Estimates.Proportion(events, n));

    [Fact]
    public void Correlation_CarriesTheFisherIntervalOfItsOneHome()
    {
        var r = new CorrelationEstimate(0.30, 103, 0.1130, 0.4664);
        var e = Estimates.Correlation(r);
        Assert.Equal((0.30, 0.1130, 0.4664, 103), (e.Value, e.Lower, e.Upper, e.N));
    }

    [Fact]
    public void FeldtInterval_MatchesTheFTableForFiveRespondentsAndThreeItems()
    {
        // α = .9444 (PsychometricsTests' hand-worked example), df 4 and 8. F tables: F.975(4, 8) = 5.05,
        // F.025(4, 8) = 1/F.975(8, 4) = 1/8.98. Lower 1 − .0556·5.05 = .719; upper 1 − .0556/8.98 = .994.
        double[][] small = [[2, 3, 3], [4, 4, 5], [3, 3, 4], [5, 4, 5], [1, 2, 1]];
        var e = Estimates.CronbachAlpha(small);
        Assert.Equal(0.9444, e.Value, 4);
        Assert.Equal(0.719, e.Lower, 2);
        Assert.Equal(0.994, e.Upper, 3);
        Assert.Equal(5, e.N);
    }

    [Fact]
    public void FeldtInterval_NarrowsAsRespondentsGrow()
    {
        var (l1, u1) = Estimates.FeldtInterval(0.8, 20, 9);
        var (l2, u2) = Estimates.FeldtInterval(0.8, 400, 9);
        Assert.True(u2 - l2 < (u1 - l1) / 3);
        Assert.InRange(0.8, l2, u2);
    }

    [Fact]
    public void PrePostEffectSize_MatchesHandWorkedExample()
    {
        // Mean pre 16, post 9, SD(pre) = √10 → d = 2.2136. r = 24/√(40·28) = .71714.
        // Var = 2(.28286)/5 + 4.9/10 = .603144, SE .77662 → 2.21359 ± 1.52215 = (.69144, 3.73574).
        var e = Estimates.PrePostEffectSize([20, 18, 16, 14, 12], [10, 12, 8, 10, 5]);
        Assert.Equal(2.2136, e.Value, 4);
        Assert.Equal(0.6914, e.Lower, 3);
        Assert.Equal(3.7358, e.Upper, 3);
        Assert.Equal(5, e.N);
    }

    [Fact]
    public void PrePostEffectSize_IsNegative_WhenScoresRose() =>
        Assert.True(Estimates.PrePostEffectSize([10, 12, 8, 10, 5], [20, 18, 16, 14, 12]).Value < 0);

    [Fact]
    public void Mean_HasTheStudentTInterval()
    {
        // 1..5: mean 3, SD 1.5811, SE .70711, t(4, .975) = 2.7764 → 3 ± 1.9632.
        var e = Estimates.Mean([1, 2, 3, 4, 5]);
        Assert.Equal(3, e.Value, 10);
        Assert.Equal(1.0368, e.Lower, 3);
        Assert.Equal(4.9632, e.Upper, 3);
    }

    [Fact]
    public void FunnelLimits_AtAHundred_MatchHandWorkedValues()
    {
        // p₀ = .5, n = 100: SE .05; ±1.96·.05 and ±3.0902·.05.
        var f = FunnelLimits.At(0.5, 100);
        Assert.Equal(0.4020, f.Lower95, 4);
        Assert.Equal(0.5980, f.Upper95, 4);
        Assert.Equal(0.3455, f.Lower998, 4);
        Assert.Equal(0.6545, f.Upper998, 4);
    }

    [Fact]
    public void FunnelLimits_Narrow_AsNGrows_AndStayInsideZeroToOne()
    {
        var curve = FunnelLimits.Curve(0.9, 1, 200);
        Assert.All(curve, p => Assert.True(p.Lower998 >= 0 && p.Upper998 <= 1 && p.Lower998 <= p.Lower95 && p.Upper95 <= p.Upper998));
        Assert.True(curve[^1].Upper95 - curve[^1].Lower95 < curve[9].Upper95 - curve[9].Lower95);
    }

    [Fact]
    public void FunnelPlace_SaysWhichSideOfWhichLimit()
    {
        Assert.Equal(FunnelPosition.Within, FunnelLimits.Place(0.5, 50, 100));
        Assert.Equal(FunnelPosition.AboveInner, FunnelLimits.Place(0.5, 62, 100));
        Assert.Equal(FunnelPosition.AboveOuter, FunnelLimits.Place(0.5, 70, 100));
        Assert.Equal(FunnelPosition.BelowInner, FunnelLimits.Place(0.5, 38, 100));
        Assert.Equal(FunnelPosition.BelowOuter, FunnelLimits.Place(0.5, 30, 100));
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData(3, 5)]
    [InlineData(12, 12)]
    public void MinimumN_DefaultsToTen_AndNeverGoesBelowFive(int? configured, int expected) =>
        Assert.Equal(expected, MinimumN.Effective(configured));

    [Fact]
    public void MinimumN_SaysWhyAFigureIsHidden() =>
        Assert.Equal("not enough finished episodes (n = 4; at least 10 needed)", MinimumN.HiddenBecause(4, 10));
}
