using Ocim.Portal.Features.Shared;

namespace Ocim.Portal.Tests.Features.Actors;

public sealed class PaginationTests
{
    public static TheoryData<int, int, string> Windows => new()
    {
        { 1, 1, "1" },
        { 1, 2, "1 2" },
        { 1, 1029, "1 2 … 1029" },
        { 5, 1029, "1 … 4 5 6 … 1029" },
        { 3, 1029, "1 2 3 4 … 1029" },     // a gap of one page is that page, not « … »
        { 4, 1029, "1 2 3 4 5 … 1029" },
        { 1029, 1029, "1 … 1028 1029" },
        { 1027, 1029, "1 … 1026 1027 1028 1029" },
        { 3, 5, "1 2 3 4 5" },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void The_numbers_are_the_first_the_last_and_the_neighbours_of_the_current_page(int page, int count, string expected)
    {
        var pagination = new Pagination(page, count, p => $"/x?page={p}");

        Assert.Equal(expected, string.Join(' ', pagination.Entries.Select(e => e?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "…")));
    }

    [Theory]
    [InlineData(0, 3, 1)]
    [InlineData(-1, 3, 1)]
    [InlineData(4, 3, 3)]
    [InlineData(int.MaxValue, 3, 3)]
    public void Pages_outside_the_list_are_corrected_to_the_first_or_the_last(int asked, int count, int expected) =>
        Assert.Equal(expected, Pagination.Corrected(asked, count));

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3, 3)]
    public void Pages_inside_the_list_are_kept(int asked, int count) => Assert.Null(Pagination.Corrected(asked, count));
}
