using Microsoft.AspNetCore.WebUtilities;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Tests.Features.Actors;

public sealed class ActorFilterCountTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("?q=musée", 0)]
    [InlineData("?bbox=4.8,47.2,5.2,47.4", 0)]
    [InlineData("?cercle=1&cercle=2", 2)]
    [InlineData("?famille=musee&theme=astronomie&public=scolaires&action=atelier", 4)]
    [InlineData("?departement=21&commune=21231", 2)]
    [InlineData("?autour=21231&rayon=10", 1)]
    [InlineData("?lat=47.3&lon=5.04", 1)]
    [InlineData("?cercle=9&famille=MUSEE", 0)]
    public void Counts_each_filter_a_visitor_set_and_neither_the_text_nor_the_view(string query, int expected)
    {
        var (filter, _) = ActorFilter.Parse(QueryHelpers.ParseQuery(query));

        Assert.Equal(expected, filter.ActiveFilterCount);
    }
}
