// The folder is Features/Shared (the layout and the partials of several features); VB's "Shared" keyword is no concern here.
#pragma warning disable CA1716
namespace Ocim.Portal.Features.Shared;
#pragma warning restore CA1716

/// <summary>
/// A paged list's navigation, for the _Pagination partial: « Première », « Précédente », the first page, a window of
/// pages around the current one, the last page, « Suivante », « Dernière ». <paramref name="Href"/> gives a page's
/// address (with the list's filter); <paramref name="Label"/> names the nav for screen readers.
/// </summary>
public sealed record Pagination(int Page, int PageCount, Func<int, string> Href, string Label = "Pagination")
{
    /// <summary>How many pages on each side of the current one are numbered.</summary>
    public const int Window = 1;

    /// <summary>The numbered entries in order; null marks a gap (« … »).</summary>
    public IReadOnlyList<int?> Entries
    {
        get
        {
            var numbers = new SortedSet<int> { 1, PageCount };
            for (var p = Page - Window; p <= Page + Window; p++)
            {
                if (p >= 1 && p <= PageCount)
                {
                    numbers.Add(p);
                }
            }

            var entries = new List<int?>();
            var previous = 0;
            foreach (var number in numbers)
            {
                // A gap of one page is shown as that page rather than « … ».
                if (number - previous == 2)
                {
                    entries.Add(previous + 1);
                }
                else if (number - previous > 2)
                {
                    entries.Add(null);
                }

                entries.Add(number);
                previous = number;
            }

            return entries;
        }
    }

    /// <summary>A page number as a visitor reads it (« 1 029 »: a narrow no-break space between thousands).</summary>
    public static string Number(int page) => page.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));

    /// <summary>
    /// The page to show when the address asks for <paramref name="asked"/>: pages before the first are the first,
    /// pages after the last are the last (null: <paramref name="asked"/> is right).
    /// </summary>
    public static int? Corrected(int asked, int pageCount) => asked < 1 ? 1 : asked > pageCount ? pageCount : null;
}
