using System.Text.RegularExpressions;

namespace Rapport.Testimonials;

/// <summary>One detail in a draft that could identify its author or someone else, with what to do about it.</summary>
public sealed record IdentifyingDetail(string Kind, string Found, string Suggestion);

/// <summary>
/// A rule-based check of a draft testimonial for details that could identify someone: names, places, dates, employers,
/// ages, contact details. What it catches: known names (the practice's staff, the author's own name, a list of common
/// first names and any names passed in), capitalised words after "in", "from", "near", "at" or "live(d) in" (places and
/// employers), "work(ed) at/for", "employed by", month names, weekday names, numeric dates and years, ages ("I'm 34",
/// "34 years old", "aged 34"), email addresses and phone numbers. What it misses: names it does not know written in lower
/// case, nicknames, descriptions that identify without a name ("the only dentist in the village"), and any language but
/// English. It flags; the author decides. It never rewrites the words.
/// </summary>
public static partial class IdentifyingDetails
{
    private static readonly string[] CommonFirstNames =
    [
        "Ada", "Alex", "Alice", "Amy", "Anna", "Ben", "Beth", "Cara", "Chloe", "Chris", "Dan", "Daniel", "David", "Dev", "Elin",
        "Emily", "Emma", "Femi", "Gita", "Grace", "Hannah", "Harry", "Hugo", "Iris", "Jack", "James", "Jane", "Jess", "John", "Jon",
        "Kate", "Kemi", "Laura", "Liam", "Lucy", "Luca", "Mark", "Mary", "Maya", "Michael", "Mo", "Noor", "Olivia", "Owen",
        "Paul", "Pia", "Priya", "Quinn", "Rosa", "Ruth", "Sam", "Sami", "Sarah", "Sophie", "Tess", "Tom", "Umar", "Vera", "Wren",
        "Yara", "Zeb", "Alma", "Bram", "Cleo", "Dara", "Emil", "Faye", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Milo", "Nia",
        "Otto", "Pearl", "Rafe", "Sol", "Tara", "Helen", "Morgan",
    ];

    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    [GeneratedRegex(@"\b(?:in|from|near|at|to|live in|lived in|living in|moved to)\s+((?:[A-Z][\p{L}'-]+)(?:\s+[A-Z][\p{L}'-]+)*)")]
    private static partial Regex PlaceOrEmployer();

    // The verb in any case ("Work at"), the employer's name capitalised.
    [GeneratedRegex(@"\b(?i:work(?:s|ed|ing)? (?:at|for)|employed by|job at|boss at|manager at)\s+((?:the\s+)?[A-Z][\p{L}&'-]+(?:\s+[A-Z][\p{L}&'-]+)*)")]
    private static partial Regex Employer();

    [GeneratedRegex(@"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(?:19|20)\d{2})\b")]
    private static partial Regex NumericDateOrYear();

    [GeneratedRegex(@"\b(?:(?:I'?m|I am|aged|age)\s+\d{1,3}|\d{1,3}\s*(?:years? old|yo\b|-year-old))", RegexOptions.IgnoreCase)]
    private static partial Regex Age();

    [GeneratedRegex(@"[\w.+-]+@[\w-]+\.[\w.]+")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?:\+?\d[\d\s()-]{8,}\d)")]
    private static partial Regex Phone();

    [GeneratedRegex(@"\b[\p{L}'-]+\b")]
    private static partial Regex Word();

    /// <summary>Every detail found, in the order it appears, each once.</summary>
    public static IReadOnlyList<IdentifyingDetail> Find(string text, IEnumerable<string> knownNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(knownNames);
        var names = new HashSet<string>(CommonFirstNames, StringComparer.OrdinalIgnoreCase);
        foreach (var name in knownNames)
        {
            foreach (var part in name.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // Titles and initials are not names ("Dr", "J").
                if (part.Length > 2 && char.IsUpper(part[0]))
                {
                    names.Add(part.TrimEnd('.', ','));
                }
            }
        }

        var found = new List<(int At, IdentifyingDetail Detail)>();
        void Add(int at, string kind, string what, string suggestion)
        {
            if (!found.Any(f => f.Detail.Found.Equals(what, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add((at, new IdentifyingDetail(kind, what, suggestion)));
            }
        }

        foreach (Match m in Word().Matches(text))
        {
            // A known name in capitals ("Sam helped me"); "sam" in lower case is more often not a name.
            if (names.Contains(m.Value) && char.IsUpper(m.Value[0]))
            {
                Add(m.Index, "name", m.Value, $"Remove the name \"{m.Value}\", or say \"my therapist\", \"my partner\", \"a friend\".");
            }
            else if (Months.Contains(m.Value, StringComparer.Ordinal) && m.Value != "May")
            {
                Add(m.Index, "date", m.Value, $"Remove \"{m.Value}\": a month can tell people when you were in therapy.");
            }
            else if (Weekdays.Contains(m.Value, StringComparer.Ordinal))
            {
                Add(m.Index, "date", m.Value, $"Remove \"{m.Value}\": a regular day can identify you.");
            }
        }

        foreach (Match m in Employer().Matches(text))
        {
            Add(m.Groups[1].Index, "employer", m.Groups[1].Value, $"Remove \"{m.Groups[1].Value}\", or say \"at work\".");
        }

        foreach (Match m in PlaceOrEmployer().Matches(text))
        {
            var what = m.Groups[1].Value;
            if (!names.Contains(what) && !Months.Contains(what, StringComparer.Ordinal) && !Weekdays.Contains(what, StringComparer.Ordinal) && what != "I")
            {
                Add(m.Groups[1].Index, "place", what, $"Remove \"{what}\": a place or an employer can identify you.");
            }
        }

        foreach (Match m in NumericDateOrYear().Matches(text))
        {
            Add(m.Index, "date", m.Value, $"Remove \"{m.Value}\": a date can tell people when you were in therapy.");
        }

        foreach (Match m in Age().Matches(text))
        {
            Add(m.Index, "age", m.Value, $"Remove \"{m.Value}\": your age narrows down who you are.");
        }

        foreach (Match m in Email().Matches(text))
        {
            Add(m.Index, "contact", m.Value, "Remove the email address.");
        }

        foreach (Match m in Phone().Matches(text))
        {
            Add(m.Index, "contact", m.Value.Trim(), "Remove the phone number.");
        }

        return [.. found.OrderBy(f => f.At).Select(f => f.Detail)];
    }
}
