namespace Rapport.Listening.Transcripts;

internal static class Words
{
    /// <summary>Words as runs of non-white-space: the one count behind the model's length cues and the session's talk share.</summary>
    public static int Count(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var w = !char.IsWhiteSpace(c);
            if (w && !inWord)
            {
                count++;
            }

            inWord = w;
        }

        return count;
    }
}
