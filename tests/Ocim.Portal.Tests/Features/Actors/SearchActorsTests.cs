using Dapper;
using Microsoft.Extensions.Primitives;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>
/// Ten actors placed by hand in real places (distances from Dijon's centre 5.0415, 47.3220 measured on the
/// spheroid: muséum 0.45 km, campus 2.3 and 2.6 km, Chenôve 4.2 km, Beaune 36.3 km). Every expectation below
/// was worked out from this table, not from the code under test.
/// </summary>
public sealed class ActorSetFixture : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var c = await Database.OpenAsync();
        await ActorRows.InsertAsync(c, "Écomusée du Pays de Rennes", 1, "musee", -1.6778, 48.1173,
            actions: ["expositions", "ateliers"], themes: ["patrimoine"], audiences: ["tout-public"], shortDescription: "Une ferme et ses vergers");
        await ActorRows.InsertAsync(c, "Muséum d'histoire naturelle de Dijon", 1, "museum", 5.0357, 47.3229,
            actions: ["expositions"], themes: ["sciences-de-la-vie"], audiences: ["scolaires", "familles"]);
        await ActorRows.InsertAsync(c, "Laboratoire Biogéosciences", 2, "organisme-de-recherche", 5.0687, 47.3120,
            actions: ["recherche", "sciences-participatives"], themes: ["sciences-de-la-terre"], acronym: "BGS");
        await ActorRows.InsertAsync(c, "Bibliothèque municipale de Chenôve", 3, "bibliotheque", 5.0081, 47.2917,
            actions: ["lecture-publique", "ateliers"], audiences: ["jeune-public"]);
        await ActorRows.InsertAsync(c, "Fablab de Beaune", 3, "fablab", 4.8400, 47.0260,
            actions: ["fabrication-numerique", "ateliers"]);
        await ActorRows.InsertAsync(c, "Planétarium de Vaulx-en-Velin", 1, "planetarium", 4.9225, 45.7786,
            themes: ["astronomie"], audiences: ["tout-public"]);
        await ActorRows.InsertAsync(c, "Université de Bourgogne", 2, "universite", 5.0720, 47.3110);
        await ActorRows.InsertAsync(c, "Musée en brouillon", 1, "musee", 5.0415, 47.3220, status: "draft");
        await ActorRows.InsertAsync(c, "Jardin botanique de Saint-Denis", 1, "jardin-botanique", 55.4500, -20.8820,
            themes: ["botanique"]);
        await ActorRows.InsertAsync(c, "Association Sciences en Côte-d'Or", 1, "association", commune: "21054");
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class SearchActorsTests(ActorSetFixture actors) : IClassFixture<ActorSetFixture>
{
    private const string Rennes = "Écomusée du Pays de Rennes";
    private const string Museum = "Muséum d'histoire naturelle de Dijon";
    private const string Lab = "Laboratoire Biogéosciences";
    private const string Library = "Bibliothèque municipale de Chenôve";
    private const string Fablab = "Fablab de Beaune";
    private const string Planetarium = "Planétarium de Vaulx-en-Velin";
    private const string University = "Université de Bourgogne";
    private const string Garden = "Jardin botanique de Saint-Denis";
    private const string Association = "Association Sciences en Côte-d'Or";

    public static TheoryData<string, string[]> Filters => new()
    {
        { "", [Rennes, Museum, Lab, Library, Fablab, Planetarium, University, Garden, Association] },
        { "cercle=1", [Rennes, Museum, Planetarium, Garden, Association] },
        { "cercle=1&cercle=2", [Rennes, Museum, Lab, Planetarium, University, Garden, Association] },
        { "cercle=2,3", [Lab, Library, Fablab, University] },
        { "famille=museum", [Museum] },
        { "famille=musee&famille=fablab", [Rennes, Fablab] },
        { "action=ateliers", [Rennes, Library, Fablab] },
        { "action=ateliers&action=recherche", [Rennes, Lab, Library, Fablab] },
        { "theme=astronomie", [Planetarium] },
        { "public=scolaires", [Museum] },
        { "public=tout-public", [Rennes, Planetarium] },
        { "region=27", [Museum, Lab, Library, Fablab, University, Association] },
        { "region=04", [Garden] },
        { "departement=35", [Rennes] },
        { "departement=21", [Museum, Lab, Library, Fablab, University, Association] },
        { "epci=242100410", [Museum, Lab, Library, University] },
        { "commune=21231", [Museum, Lab, University] },
        { "commune=21054", [Fablab, Association] },
        // Text: accents and case ignored, French stemming, typos in names tolerated.
        { "q=ecomusee", [Rennes] },
        { "q=ÉCOMUSÉE", [Rennes] },
        { "q=planetarium", [Planetarium] },
        { "q=bibliotheque%20munisipale", [Library] },
        { "q=BGS", [Lab] },
        { "q=vergers", [Rennes] },
        // Every word counts; stop words do not.
        { "q=munisipale%20chenove", [Library] },
        { "q=mus%C3%A9um%20de%20Dijon", [Museum] },
        { "q=Jardin%20de%20Saint-Denis", [Garden] },
        { "q=biblioth%C3%A8que%20lyon", [] },
        // Radius, in metres on the spheroid (muséum 0.45 km, campus 2.3/2.6 km, Chenôve 4.2 km, Beaune 36.3 km).
        { "lat=47.3220&lon=5.0415&rayon=1", [Museum] },
        { "lat=47.3220&lon=5.0415&rayon=3", [Museum, Lab, University] },
        { "lat=47.3220&lon=5.0415&rayon=5", [Museum, Lab, Library, University] },
        { "lat=47.3220&lon=5.0415&rayon=40", [Museum, Lab, Library, Fablab, University, Association] },
        { "lat=-20.8820&lon=55.4500&rayon=5", [Garden] },
        // Combinations: every filter applies.
        { "cercle=3&departement=21", [Library, Fablab] },
        { "cercle=1&region=27", [Museum, Association] },
        { "action=ateliers&lat=47.3220&lon=5.0415&rayon=5", [Library] },
        { "q=musee&cercle=1", [Rennes, Museum] },
        { "famille=universite&commune=21231&lat=47.3220&lon=5.0415&rayon=3", [University] },
        { "theme=astronomie&region=27", [] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_and_their_combinations_select_the_expected_actors(string query, string[] expected)
    {
        var (filter, errors) = ActorFilter.Parse(QueryHelpersParse(query));

        var result = await new SearchActors(actors.DataSource).SearchAsync(filter, ActorSort.Name, 1, 100, CancellationToken.None);

        Assert.Empty(errors);
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Items.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, result.Total);
    }

    [Fact]
    public async Task The_radius_is_in_metres_on_the_spheroid()
    {
        await using var connection = await actors.Database.OpenAsync();
        try
        {
            await PlaceTwoPointsAndSearchAsync(connection);
        }
        finally
        {
            // The other tests of this class count the ten actors of the fixture.
            await connection.ExecuteAsync("delete from actor where themes @> '{mathematiques}'");
        }
    }

    private async Task PlaceTwoPointsAndSearchAsync(NpgsqlConnection connection)
    {
        // Two points placed 9,990 m and 10,010 m due east of Chenôve's library, by PostGIS's geodesic projection.
        foreach (var (name, metres) in new[] { ("Just inside", 9_990), ("Just outside", 10_010) })
        {
            var point = await connection.QuerySingleAsync<(double X, double Y)>(
                "select st_x(p::geometry), st_y(p::geometry) from (select st_project(st_setsrid(st_makepoint(5.0081, 47.2917), 4326)::geography, @metres, radians(90)) as p) s",
                new { metres });
            await ActorRows.InsertAsync(connection, name, 3, "autre", point.X, point.Y, themes: ["mathematiques"]);
        }

        var (filter, _) = ActorFilter.Parse(QueryHelpersParse("theme=mathematiques&lat=47.2917&lon=5.0081&rayon=10"));
        var result = await new SearchActors(actors.DataSource).SearchAsync(filter, ActorSort.Distance, 1, 100, CancellationToken.None);

        var item = Assert.Single(result.Items);
        Assert.Equal("Just inside", item.Name);
        Assert.InRange(item.DistanceMetres!.Value, 9_989, 9_991);
    }

    [Fact]
    public async Task Drafts_are_never_listed()
    {
        var (filter, _) = ActorFilter.Parse(QueryHelpersParse("q=brouillon"));

        var result = await new SearchActors(actors.DataSource).SearchAsync(filter, null, 1, 100, CancellationToken.None);

        Assert.Equal(0, result.Total);
    }

    [Fact]
    public async Task Facets_count_circles_and_families_for_the_current_filter_leaving_out_their_own_dimension()
    {
        var (filter, _) = ActorFilter.Parse(QueryHelpersParse("departement=21&cercle=3"));

        var result = await new SearchActors(actors.DataSource).SearchAsync(filter, null, 1, 100, CancellationToken.None);

        // Circles of department 21 (the circle filter left out): 1 → muséum, association; 2 → lab, university; 3 → library, fablab.
        Assert.Equal([("1", 2L), ("2", 2L), ("3", 2L)], result.Circles.Select(c => (c.Key, c.Count)));
        // Families of department 21 within circle 3.
        Assert.Equal([("bibliotheque", 1L), ("fablab", 1L)], result.Families.Select(f => (f.Key, f.Count)).Order());
    }

    [Fact]
    public async Task Sorting_by_name_follows_French_order_and_by_distance_nearest_first()
    {
        var (region, _) = ActorFilter.Parse(QueryHelpersParse("region=27"));
        var (near, _) = ActorFilter.Parse(QueryHelpersParse("lat=47.3220&lon=5.0415&rayon=40"));
        var search = new SearchActors(actors.DataSource);

        var byName = await search.SearchAsync(region, ActorSort.Name, 1, 100, CancellationToken.None);
        var byDistance = await search.SearchAsync(near, null, 1, 100, CancellationToken.None);

        Assert.Equal([Association, Library, Fablab, Lab, Museum, University], byName.Items.Select(i => i.Name));
        Assert.Equal(ActorSort.Distance, byDistance.Sort);
        Assert.Equal([Museum, Lab, University, Library], byDistance.Items.Take(4).Select(i => i.Name));
    }

    [Fact]
    public async Task Pages_split_the_results_without_losing_or_repeating_any()
    {
        var search = new SearchActors(actors.DataSource);
        var (filter, _) = ActorFilter.Parse(QueryHelpersParse("cercle=1,2,3"));

        var pages = new List<string>();
        for (var page = 1; page <= 4; page++)
        {
            pages.AddRange((await search.SearchAsync(filter, ActorSort.Name, page, 3, CancellationToken.None)).Items.Select(i => i.Name));
        }

        var all = await search.SearchAsync(filter, ActorSort.Name, 1, 100, CancellationToken.None);
        Assert.Equal(all.Items.Select(i => i.Name), pages);
        Assert.Equal(3, (await search.SearchAsync(filter, ActorSort.Name, 1, 3, CancellationToken.None)).PageCount);
    }

    [Theory]
    [InlineData("cercle=4", "Le cercle « 4 » n'est pas reconnu·e.")]
    [InlineData("departement=999", "Le département « 999 » n'est pas un code valide.")]
    [InlineData("rayon=10", "Le rayon demande un point de référence")]
    [InlineData("lat=47&lon=5&rayon=-1", "Le rayon (km) doit être compris·e entre")]
    [InlineData("lat=47&lon=5&rayon=abc", "Le rayon (km) « abc » n'est pas un nombre.")]
    [InlineData("lat=47", "La latitude et la longitude vont ensemble")]
    [InlineData("famille=<script>", "La famille « <script> » n'est pas reconnu·e.")]
    public void Malformed_filters_are_reported_in_French_and_left_out(string query, string message)
    {
        var (filter, errors) = ActorFilter.Parse(QueryHelpersParse(query));

        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
        Assert.Null(filter.RadiusKm);
        Assert.Empty(filter.Circles);
        Assert.Empty(filter.Families);
    }

    [Theory]
    [InlineData("q=mus%C3%A9e&cercle=1&cercle=3&famille=musee&action=ateliers&theme=patrimoine&public=familles&region=27&departement=21&epci=242100410&commune=21231&lat=47.322&lon=5.0415&rayon=12.5")]
    [InlineData("autour=21231&rayon=50")]
    public void A_filter_survives_its_own_query_string(string query)
    {
        var (filter, _) = ActorFilter.Parse(QueryHelpersParse(query));

        var (again, errors) = ActorFilter.Parse(QueryHelpersParse(filter.ToQueryString().TrimStart('?')));

        Assert.Empty(errors);
        Assert.Equal(filter.ToQueryString(), again.ToQueryString());
        Assert.Equivalent(filter, again);
    }

    private static Dictionary<string, StringValues> QueryHelpersParse(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
}
