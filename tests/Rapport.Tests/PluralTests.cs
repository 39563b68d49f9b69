namespace Rapport.Tests;

public sealed class PluralTests
{
    [Theory]
    [InlineData(0, "0 sessions")]
    [InlineData(1, "1 session")]
    [InlineData(6, "6 sessions")]
    public void Of_UsesTheSingularForExactlyOne(int count, string expected) => Assert.Equal(expected, Plural.Of(count, "session"));

    [Fact]
    public void Of_TakesAnIrregularPlural()
    {
        Assert.Equal("1 entry", Plural.Of(1, "entry", "entries"));
        Assert.Equal("3 entries", Plural.Of(3, "entry", "entries"));
    }
}
