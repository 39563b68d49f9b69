using Rapport.Clinical.Instruments;
using Rapport.Clinical.Preferences;

namespace Rapport.Clinical.Tests.Preferences;

public class PreferenceProfileTests
{
    private static readonly Instrument CNip = InstrumentCatalog.Get("c-nip");

    private static Dictionary<string, int?> Answers(int directiveness, int intensity, int past, int support) =>
        Enumerable.Range(1, 18).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (int?)(i switch
        {
            <= 5 => directiveness,
            <= 10 => intensity,
            <= 13 => past,
            _ => support,
        }));

    [Fact]
    public void Describe_NegativeMeans_LeanTowardsTheFirstNamedPole_WithSumsAndMeans()
    {
        var profile = PreferenceProfile.Describe(CNip, Answers(-2, -1, -3, -1));

        Assert.Equal(4, profile.Count);
        Assert.All(profile, s => Assert.Equal(PreferenceLean.FirstPole, s.Lean));
        Assert.Equal((-10, -2.0), (profile[0].Sum, profile[0].Mean));
        Assert.Equal((-9, -3.0), (profile[2].Sum, profile[2].Mean));
        Assert.Contains("taking the lead", profile[0].ForClient, StringComparison.Ordinal);
        Assert.Contains("offering structure", profile[0].ForTherapist, StringComparison.Ordinal);
        Assert.Equal("Therapist Directiveness vs Client Directiveness", profile[0].ScaleName);
    }

    [Fact]
    public void Describe_PositiveMeans_LeanTowardsTheSecondNamedPole()
    {
        var profile = PreferenceProfile.Describe(CNip, Answers(2, 1, 3, 2));

        Assert.All(profile, s => Assert.Equal(PreferenceLean.SecondPole, s.Lean));
        Assert.Contains("following their lead", profile[0].ForTherapist, StringComparison.Ordinal);
        Assert.Contains("present", profile[2].ForClient, StringComparison.Ordinal);
        Assert.Contains("challenge", profile[3].ForTherapist, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 1 }, PreferenceLean.SecondPole)]      // mean exactly 1: at the threshold
    [InlineData(new[] { 1, 1, 1, 1, 0 }, PreferenceLean.NoClearPreference)] // mean 0.8: below it
    [InlineData(new[] { -1, -1, -1, -1, -1 }, PreferenceLean.FirstPole)]
    [InlineData(new[] { 3, -3, 3, -3, 0 }, PreferenceLean.NoClearPreference)] // opposing answers cancel out
    public void Describe_JudgesTheLeanByTheMeanItemAnswerAgainstTheThresholdOfOne(int[] directiveness, PreferenceLean expected)
    {
        var answers = Answers(0, 0, 0, 0);
        for (var i = 0; i < 5; i++)
        {
            answers[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = directiveness[i];
        }

        Assert.Equal(expected, PreferenceProfile.Describe(CNip, answers)[0].Lean);
        Assert.Equal(1.0, PreferenceProfile.LeanThreshold);
    }

    [Fact]
    public void Describe_WithAMissingItem_ReportsThatScaleAsNotAnswered_AndTheOthers()
    {
        var answers = Answers(-2, 2, 0, 0);
        answers["12"] = null;

        var profile = PreferenceProfile.Describe(CNip, answers);

        Assert.Equal(PreferenceLean.NotAnswered, profile[2].Lean);
        Assert.Null(profile[2].Sum);
        Assert.Equal(PreferenceLean.FirstPole, profile[0].Lean);
        Assert.Equal(PreferenceLean.NoClearPreference, profile[3].Lean);
    }

    [Fact]
    public void Describe_RejectsAnswersOutOfRange_AndOtherInstruments()
    {
        var answers = Answers(0, 0, 0, 0);
        answers["1"] = 4;

        Assert.Throws<ArgumentException>(() => PreferenceProfile.Describe(CNip, answers));
        Assert.Throws<ArgumentException>(() => PreferenceProfile.Describe(InstrumentCatalog.Get("phq-9"), new Dictionary<string, int?>()));
    }

    [Fact]
    public void Profile_NeverClaimsAStrongPreference_AndCitesItsSources()
    {
        var profile = PreferenceProfile.Describe(CNip, Answers(-3, 3, -3, 3));

        Assert.All(profile, s => Assert.DoesNotContain("strong", s.ForClient + s.ForTherapist, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Cooper", PreferenceProfile.Source, StringComparison.Ordinal);
        Assert.Contains("Personalizing psychotherapy", PreferenceProfile.Source, StringComparison.Ordinal);
        Assert.Contains("not instructions", PreferenceProfile.DiscussNotObey, StringComparison.Ordinal);
    }
}
