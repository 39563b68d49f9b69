using Rapport.Clinical.Insights;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Matching;
using Rapport.Clinical.Preferences;

namespace Rapport.Clinical.Tests.Matching;

public sealed class MatchingRuleTests
{
    [Fact]
    public void SimilarClients_AreFinishedCoursesStartingAtCaseness_AndTheFigureIsTheWilsonProportionOfReliableImprovement()
    {
        var courses = new List<CourseOnInstrument>();
        // Ten similar clients: six fell by 6 or more on the PHQ-9, four by less.
        courses.AddRange(Enumerable.Repeat(new CourseOnInstrument(8, [18, 15, 11]), 6));
        courses.AddRange(Enumerable.Repeat(new CourseOnInstrument(8, [14, 12, 10]), 4));
        // Not similar: started below caseness, or not finished (one session), or a single score.
        courses.Add(new CourseOnInstrument(8, [8, 2]));
        courses.Add(new CourseOnInstrument(1, [20, 5]));
        courses.Add(new CourseOnInstrument(8, [20]));

        var figure = SimilarClientsOutcome.Compute(InstrumentCatalog.Phq9Id, courses, minimum: 10);

        Assert.Null(figure.WhyNot);
        Assert.Equal(10, figure.N);
        Assert.Equal(Estimates.Proportion(6, 10), figure.Estimate);
    }

    [Fact]
    public void BelowTheMinimum_ThereIsNoFigure_OnlyAReason()
    {
        var courses = Enumerable.Repeat(new CourseOnInstrument(6, [12, 4]), 9);
        var figure = SimilarClientsOutcome.Compute(InstrumentCatalog.Gad7Id, courses, MinimumN.Effective(null));
        Assert.Null(figure.Estimate);
        Assert.Equal(9, figure.N);
        Assert.Contains("at least 10 needed", figure.WhyNot, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SimilarClientsOutcome.Compute(InstrumentCatalog.CNipId, courses, 10));
    }

    [Fact]
    public void StyleFit_UsesTheFourCNipScalesPoles_AndTheProfilesLeanThreshold()
    {
        Assert.Equal(["Therapist Directiveness", "Emotional Intensity", "Past Orientation", "Warm Support"], StyleFit.Scales.Select(s => s.FirstPole));
        Assert.Equal(["Client Directiveness", "Emotional Reserve", "Present Orientation", "Focused Challenge"], StyleFit.Scales.Select(s => s.SecondPole));
        Assert.Equal(StyleMatch.Fits, StyleFit.Match(PreferenceLean.FirstPole, -1));
        Assert.Equal(StyleMatch.EitherWay, StyleFit.Match(PreferenceLean.FirstPole, 0));
        Assert.Equal(StyleMatch.DoesNotFit, StyleFit.Match(PreferenceLean.FirstPole, 2));
        Assert.Equal(StyleMatch.Fits, StyleFit.Match(PreferenceLean.SecondPole, 3));
        Assert.Equal(StyleMatch.NoPreference, StyleFit.Match(PreferenceLean.NoClearPreference, 3));
    }

    [Fact]
    public void OnlyLowMoodAndWorry_MapToAnInstrument()
    {
        Assert.Equal(InstrumentCatalog.Phq9Id, Concerns.Find("low-mood")!.InstrumentId);
        Assert.Equal(InstrumentCatalog.Gad7Id, Concerns.Find("anxiety")!.InstrumentId);
        Assert.All(Concerns.All.Where(c => c.Id is not ("low-mood" or "anxiety")), c => Assert.Null(c.InstrumentId));
    }
}
