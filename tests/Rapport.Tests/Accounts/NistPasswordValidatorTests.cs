using Rapport.Accounts;

namespace Rapport.Tests.Accounts;

public sealed class NistPasswordValidatorTests
{
    [Theory]
    [InlineData("fourteen chars")]
    [InlineData("")]
    public void ShorterThan15Characters_IsRefused(string password) =>
        Assert.Contains("at least 15", Assert.Single(NistPasswordValidator.Check(password, "a@b.c")), StringComparison.Ordinal);

    [Fact]
    public void FifteenCharactersWithNoDigitsOrSymbols_IsAccepted() =>
        Assert.Empty(NistPasswordValidator.Check("quiet river bend", "sam@example.org"));

    [Theory]
    [InlineData("passwordpassword")]
    [InlineData("PasswordPassword1")]
    [InlineData("correct horse battery staple")]
    public void CommonOrBreachedPasswords_AreRefused(string password) =>
        Assert.Contains("too common", Assert.Single(NistPasswordValidator.Check(password, "a@b.c")), StringComparison.Ordinal);

    [Fact]
    public void PasswordContainingTheEmailName_IsRefused() =>
        Assert.Contains("email", Assert.Single(NistPasswordValidator.Check("therapist1 is my name", Personas.Therapist1)), StringComparison.Ordinal);

    [Fact]
    public void RepeatedCharacters_AreRefused() =>
        Assert.Single(NistPasswordValidator.Check("aaaaaaaaaaaaaaaaaaab", null));
}
