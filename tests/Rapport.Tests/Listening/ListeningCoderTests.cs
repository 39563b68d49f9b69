using Rapport.Listening;
using Rapport.Listening.Coding;

namespace Rapport.Tests.Listening;

/// <summary>The app codes uploads in quality mode unless fast is configured, and falls back to fast mode when the quality model cannot load.</summary>
public sealed class ListeningCoderTests
{
    [Fact]
    public void QualityModelThatFailsToLoad_FallsBackToTheFastCoder()
    {
        var asked = new List<CodingMode>();
        using var coder = ListeningCoder.LoadWithFallback(CodingMode.Quality, null, mode =>
        {
            asked.Add(mode);
            return mode == CodingMode.Quality ? throw new InvalidDataException("corrupt model") : UtteranceCoder.Load();
        });

        Assert.Equal([CodingMode.Quality, CodingMode.Fast], asked);
        Assert.Equal(CodingMode.Fast, coder.Mode);
    }

    [Fact]
    public void FastConfigured_NeverTriesTheQualityModel()
    {
        var asked = new List<CodingMode>();
        using var coder = ListeningCoder.LoadWithFallback(ListeningCoder.ConfiguredMode("fast"), null, mode =>
        {
            asked.Add(mode);
            return UtteranceCoder.Load();
        });

        Assert.Equal([CodingMode.Fast], asked);
    }

    [Fact]
    public void ConfiguredMode_IsQualityByDefault_AndAMistypedModeIsRefusedByName()
    {
        Assert.Equal(CodingMode.Quality, ListeningCoder.ConfiguredMode(null));
        Assert.Equal(CodingMode.Quality, ListeningCoder.ConfiguredMode(" "));
        Assert.Equal(CodingMode.Quality, ListeningCoder.ConfiguredMode("Quality"));
        Assert.Equal(CodingMode.Fast, ListeningCoder.ConfiguredMode("fast"));

        var ex = Assert.Throws<InvalidOperationException>(() => ListeningCoder.ConfiguredMode("qualty"));
        Assert.Contains("'qualty'", ex.Message, StringComparison.Ordinal);
    }
}
