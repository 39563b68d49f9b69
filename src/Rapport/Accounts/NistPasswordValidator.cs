using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Rapport.Accounts;

/// <summary>
/// Password rules after NIST SP 800-63B-4 §3.1.1.2: a minimum length (15 for a password used as the only
/// factor), a generous maximum, no composition rules, and rejection of commonly used or compromised
/// values and of values derived from the account's own name. The blocklist ships as a local file
/// (<c>Accounts/common-passwords.txt</c>) so no sign-up calls out to a third party.
/// </summary>
public sealed class NistPasswordValidator : IPasswordValidator<RapportUser>
{
    public const int MinimumLength = 15;
    public const int MaximumLength = 128;

    private static readonly Lazy<HashSet<string>> Blocklist = new(LoadBlocklist);

    public Task<IdentityResult> ValidateAsync(UserManager<RapportUser> manager, RapportUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        var errors = Check(password, user.Email);
        return Task.FromResult(errors.Count == 0
            ? IdentityResult.Success
            : IdentityResult.Failed([.. errors.Select(e => new IdentityError { Code = "Password", Description = e })]));
    }

    public static List<string> Check(string? password, string? email)
    {
        var errors = new List<string>();
        password ??= "";
        var length = password.EnumerateRunes().Count();
        if (length < MinimumLength)
        {
            errors.Add($"Use at least {MinimumLength} characters. A few words you will remember work well.");
            return errors;
        }

        if (length > MaximumLength)
        {
            errors.Add($"Use at most {MaximumLength} characters.");
            return errors;
        }

        var normalised = password.Trim().ToLowerInvariant();
        if (Blocklist.Value.Contains(normalised) || Blocklist.Value.Contains(StripDigitsAndSymbols(normalised)))
        {
            errors.Add("That password is too common or has appeared in breaches. Choose another.");
        }
        else if (normalised.Distinct().Count() <= 3)
        {
            errors.Add("That password repeats too few characters to be safe. Choose another.");
        }
        else if (email is { Length: > 0 } && email.Split('@')[0] is { Length: >= 4 } local
            && normalised.Contains(local.ToLowerInvariant(), StringComparison.Ordinal))
        {
            errors.Add("Do not use your email address in your password.");
        }

        return errors;
    }

    private static string StripDigitsAndSymbols(string value) => new([.. value.Where(char.IsLetter)]);

    private static HashSet<string> LoadBlocklist()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Rapport.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
