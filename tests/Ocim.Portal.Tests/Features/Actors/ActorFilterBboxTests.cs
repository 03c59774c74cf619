using Microsoft.AspNetCore.WebUtilities;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Tests.Features.Actors;

public sealed class ActorFilterBboxTests
{
    [Fact]
    public void A_box_is_read_from_the_query_and_written_back_unchanged()
    {
        var (filter, errors) = ActorFilter.Parse(QueryHelpers.ParseQuery("?cercle=2&bbox=-4.5,48.3,-4.4,48.39999"));

        Assert.Empty(errors);
        Assert.Equal(new BoundingBox(-4.5, 48.3, -4.4, 48.39999), filter.Bbox);
        Assert.False(filter.IsEmpty);
        Assert.Equal("?cercle=2&bbox=-4.5%2C48.3%2C-4.4%2C48.39999", filter.ToQueryString());
        Assert.Equal("?cercle=2", filter.WithoutBbox().ToQueryString());
    }

    [Fact]
    public void A_box_is_an_index_friendly_envelope_test_with_parameters()
    {
        var (filter, _) = ActorFilter.Parse(QueryHelpers.ParseQuery("?bbox=4.8,47.2,5.2,47.4"));

        var sql = ActorFilterSql.For(filter);

        Assert.Contains("a.geom && st_makeenvelope(@bbox_west, @bbox_south, @bbox_east, @bbox_north, 4326)", sql.Where, StringComparison.Ordinal);
        Assert.Equal(4.8, sql.Parameters.Get<double>("bbox_west"));
        Assert.Equal(47.4, sql.Parameters.Get<double>("bbox_north"));
        // The counts kept by triggers know nothing of boxes: a boxed filter counts its actors.
        Assert.Contains("st_makeenvelope", ActorFilterSql.CountCells(filter).Sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4.8,47.2,5.2")]
    [InlineData("4,8,47,2,5,2,47,4")]
    [InlineData("Infinity,47.2,5.2,47.4")]
    [InlineData("5.2,47.2,4.8,47.4")]
    [InlineData("4.8,47.4,5.2,47.2")]
    [InlineData("4.8,-91,5.2,47.2")]
    [InlineData("181,47.2,182,47.4")]
    public void A_malformed_box_is_reported_in_French_and_left_out(string bbox)
    {
        var (filter, errors) = ActorFilter.Parse(QueryHelpers.ParseQuery("?cercle=1&bbox=" + Uri.EscapeDataString(bbox)));

        Assert.Null(filter.Bbox);
        Assert.Equal([1], filter.Circles);
        Assert.StartsWith("Le cadre de la carte (bbox)", Assert.Single(errors), StringComparison.Ordinal);
    }
}
