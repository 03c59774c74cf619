using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Primitives;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>
/// More galleries in Dijon than the search counts: 10,030 « Galerie d'essai n » of circle 3 and 5 of circle 1
/// (docs/decisions/0029-bounded-text-search.md), plus one « Zoo de la Citadelle ».
/// </summary>
public sealed class ManyMatchesFixture : IAsyncLifetime
{
    public const int CircleThree = 10_030;
    public const int CircleOne = 5;

    public DatabaseFixture Database { get; } = new();

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var c = await Database.OpenAsync();
        await c.ExecuteAsync("""
            insert into actor (name, circle, family_id, commune_code, status, source, external_id)
            select 'Galerie d''essai ' || n, case when n <= @circleOne then 1 else 3 end,
                   (select id from actor_family where slug = 'autre'), '21231', 'published', 'test', 'galerie-' || n
            from generate_series(1, @all) n
            """, new { circleOne = CircleOne, all = CircleOne + CircleThree }, commandTimeout: 300);
        await ActorRows.InsertAsync(c, "Zoo de la Citadelle", 1, "autre", commune: "25056");
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class BoundedTextSearchTests : IClassFixture<ManyMatchesFixture>, IDisposable
{
    private readonly ManyMatchesFixture actors;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public BoundedTextSearchTests(ManyMatchesFixture actors)
    {
        this.actors = actors;
        factory = new PortalFactory(actors.Database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task A_common_word_is_counted_up_to_the_cap_and_ranked_among_that_many()
    {
        var result = await SearchAsync("q=galerie", sort: null);

        Assert.True(result.TotalIsCapped);
        Assert.Equal(SearchActors.CountCap, result.Total);
        Assert.Equal($"Plus de {TenThousand} acteurs", result.TotalLabel);
        Assert.Equal(ActorSort.Relevance, result.Sort);
        Assert.Equal(20, result.Items.Count);
        Assert.All(result.Items, item => Assert.StartsWith("Galerie d'essai ", item.Name, StringComparison.Ordinal));
        // The facets of a sample would mislead: none is given.
        Assert.Empty(result.Circles);
        Assert.Empty(result.Families);
    }

    [Fact]
    public async Task Under_the_cap_the_count_stays_exact_even_when_the_text_alone_is_past_it()
    {
        var circleOne = await SearchAsync("q=galerie&cercle=1", sort: null);
        var byName = await SearchAsync("q=galerie&cercle=1", ActorSort.Name);

        Assert.False(circleOne.TotalIsCapped);
        Assert.Equal(ManyMatchesFixture.CircleOne, circleOne.Total);
        Assert.Equal(ManyMatchesFixture.CircleOne, circleOne.Items.Count);
        Assert.Equal(
            ["Galerie d'essai 1", "Galerie d'essai 2", "Galerie d'essai 3", "Galerie d'essai 4", "Galerie d'essai 5"],
            byName.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task The_list_says_more_than_ten_thousand_and_shows_no_facet_counts()
    {
        var (response, page) = await client.GetPageAsync("/acteurs?q=galerie");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Plus de {TenThousand} acteurs", page.QuerySelector("#resultats-titre")?.TextContent.Trim());
        Assert.Contains("premiers résultats", page.QuerySelector(".results-cap")?.TextContent, StringComparison.Ordinal);
        Assert.Equal(20, page.QuerySelectorAll("ol.actor-list > li").Length);
        Assert.DoesNotContain("(", page.QuerySelector("label[for='cercle-3']")?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_past_the_cap_send_the_visitor_to_the_last_page_within_it()
    {
        var response = await client.GetAsync("/acteurs?q=galerie&tri=nom&page=502");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/acteurs?q=galerie&tri=nom&page=500", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_last_page_within_the_cap_is_read_forwards()
    {
        var last = await SearchAsync("q=galerie", ActorSort.Name, page: 500);

        // The first 10,001 galleries found (the table's order: 1 to 10,001), in name order (the French collation
        // reads numbers as numbers): the 500th page holds the 9,981st to the 10,000th.
        Assert.Equal(20, last.Items.Count);
        Assert.Equal("Galerie d'essai 9981", last.Items[0].Name);
        Assert.Equal("Galerie d'essai 10000", last.Items[^1].Name);
    }

    [Fact]
    public async Task The_map_list_of_a_wide_view_says_more_than_in_the_view()
    {
        var (response, page) = await client.GetPageAsync("/carte/liste?bbox=-5,41,10,51");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var content = page.QuerySelector("[data-total]");
        Assert.Equal($"Plus de {TenThousand} acteurs dans la vue", content?.GetAttribute("data-summary"));
        Assert.Equal(MapListSize, page.QuerySelectorAll("ol.actor-list > li").Length);
        Assert.Contains($"Voir les plus de {TenThousand} acteurs", page.QuerySelector(".map-list__more")?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_radius_over_half_of_France_counts_up_to_the_cap_and_lists_the_nearest()
    {
        var result = await SearchAsync("lat=47.3&lon=5&rayon=500", sort: null);

        Assert.True(result.TotalIsCapped);
        Assert.Equal(ActorSort.Distance, result.Sort);
        Assert.Equal(20, result.Items.Count);
        Assert.True(result.Items.Zip(result.Items.Skip(1)).All(p => p.First.DistanceMetres <= p.Second.DistanceMetres));
    }

    [Theory]
    [InlineData("q=galerie", new[] { "actor_search_idx", "actor_search_name_trgm_idx" })]
    [InlineData("q=galerie%20dijon", new[] { "actor_search_idx", "actor_search_name_trgm_idx" })]
    [InlineData("q=zoo", new[] { "actor_search_idx" })]
    [InlineData("q=zoo%20de%20la%20citadelle", new[] { "actor_search_idx" })]
    public async Task Each_word_is_looked_up_in_the_indexes_not_tested_on_every_actor(string query, string[] indexes)
    {
        var (filter, _) = ActorFilter.Parse(Parse(query));
        var sql = ActorFilterSql.For(filter);
        await using var connection = await actors.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The text's conditions alone (the status would offer its own indexes): with sequential reads priced out, a
        // plan still reads the table row by row only when a condition cannot use an index (a stable function or a
        // sub-plan inside a word's OR did).
        await connection.ExecuteAsync("set local enable_seqscan = off", transaction: transaction);
        var textOnly = sql.Where.Replace("a.status = any(@statuses)", "true", StringComparison.Ordinal);
        var plan = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            $"explain (format json) select a.id from actor a where {textOnly}", sql.Parameters, transaction));

        var root = JsonDocument.Parse(plan!).RootElement[0].GetProperty("Plan");
        var used = IndexNames(root).ToList();
        Assert.All(indexes, index => Assert.Contains(index, used));
        Assert.DoesNotContain("Seq Scan", NodeTypes(root));
    }

    [Theory]
    [InlineData("q=zoo", "Zoo de la Citadelle")]
    [InlineData("q=la%20citadele", "Zoo de la Citadelle")]
    [InlineData("q=ZOO%20de%20la", "Zoo de la Citadelle")]
    public async Task Short_words_stop_words_and_typos_still_find(string query, string expected)
    {
        var result = await SearchAsync(query, sort: null);

        Assert.Equal([expected], result.Items.Select(i => i.Name));
        Assert.False(result.TotalIsCapped);
    }

    [Theory]
    [InlineData("q=%25")]
    [InlineData("q=_")]
    [InlineData("q='%20OR%201%3D1--")]
    [InlineData("q=%F0%9F%8E%A8%20galerie")]
    [InlineData("q=de%20la%20le")]
    public async Task Hostile_or_odd_texts_get_an_answer_never_an_error(string query)
    {
        var response = await client.GetAsync("/acteurs?" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private const int MapListSize = Ocim.Portal.Features.Map.MapController.ListSize;

    /// <summary>« 10 000 » as French writes it (a narrow no-break space between the thousands).</summary>
    private static readonly string TenThousand = SearchActors.CountCap.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));

    private async Task<ActorSearchResult> SearchAsync(string query, ActorSort? sort, int page = 1)
    {
        var (filter, errors) = ActorFilter.Parse(Parse(query));
        Assert.Empty(errors);
        return await new SearchActors(actors.DataSource).SearchAsync(filter, sort, page, SearchActors.DefaultPageSize, CancellationToken.None);
    }

    private static IEnumerable<string> IndexNames(JsonElement node)
    {
        if (node.TryGetProperty("Index Name", out var name))
        {
            yield return name.GetString()!;
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var inner in IndexNames(child))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<string> NodeTypes(JsonElement node)
    {
        yield return node.GetProperty("Node Type").GetString()!;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var inner in children.EnumerateArray().SelectMany(NodeTypes))
            {
                yield return inner;
            }
        }
    }

    private static Dictionary<string, StringValues> Parse(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
}
