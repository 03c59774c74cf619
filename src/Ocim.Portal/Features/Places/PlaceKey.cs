using System.Globalization;
using System.Text;

namespace Ocim.Portal.Features.Places;

/// <summary>
/// The search key of a place name, as place_key() computes it in SQL (016_places.sql): lower case, no accents, words
/// of letters and digits separated by one space, « st »/« ste » spelled « saint »/« sainte ». A test checks both agree.
/// </summary>
public static class PlaceKey
{
    public static string Of(string value) => string.Join(' ', Words(value).Select(w => w.Key));

    /// <summary>The words of a text with their keys and where each stands in the text (to cut them out again).</summary>
    public static IReadOnlyList<PlaceWord> Words(string value)
    {
        var words = new List<PlaceWord>();
        var start = -1;
        for (var i = 0; i <= value.Length; i++)
        {
            var isWordChar = i < value.Length && char.IsLetterOrDigit(value[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                var key = Fold(value[start..i]);
                if (key.Length > 0)
                {
                    words.Add(new PlaceWord(key switch { "st" => "saint", "ste" => "sainte", _ => key }, start, i - start));
                }

                start = -1;
            }
        }

        return words;
    }

    /// <summary>Lower case without accents (œ → oe, æ → ae, ß → ss), letters and digits only.</summary>
    private static string Fold(string word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var c in word.ToLowerInvariant().Normalize(NormalizationForm.FormD))
        {
            switch (c)
            {
                case 'œ':
                    builder.Append("oe");
                    break;
                case 'æ':
                    builder.Append("ae");
                    break;
                case 'ß':
                    builder.Append("ss");
                    break;
                default:
                    if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}

/// <summary>One word of a text: its key, and its place in the text.</summary>
public sealed record PlaceWord(string Key, int Start, int Length)
{
    public int End => Start + Length;
}
