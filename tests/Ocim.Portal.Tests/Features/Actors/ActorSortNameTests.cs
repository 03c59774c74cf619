using System.Net;
using System.Text;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>
/// Real names of the demo inventory whose leading punctuation or numbering put them at the top of the directory
/// (« - UMR 9014… », « (Dys)… », « 01 - BIBLIOTHEQUE… »), among plain names, and 37 more actors so that the list has
/// three pages of 20. The expected order was written by hand, as a French reader sorts them.
/// </summary>
public sealed class SortNameFixture : IAsyncLifetime
{
    public const string Umr = "- UMR  9014 - Laboratoire de Mécanique des Fluides de Lille, Kampé de Fériet";
    public const string Dys = "(Dys)Régulations Emotionnelles et Cognitives";
    public const string Ain = "01 - BIBLIOTHEQUE DEPARTEMENTALE DE PRET – DE L'AIN";
    public const string ThreeD = "3D interaction with virtual environments using body and mind";
    public const string Abbey = "Abbaye de Cîteaux";
    public const string Ecomusee = "Écomusée de la Bresse";
    public const string Debrouillards = "« Les Petits Débrouillards » de Bourgogne";
    public const string Zoo = "Zoo de la Citadelle";

    /// <summary>The eight names above in the order a French reader expects.</summary>
    public static readonly string[] Expected = [ThreeD, Abbey, Ain, Dys, Ecomusee, Debrouillards, Umr, Zoo];

    public DatabaseFixture Database { get; } = new();

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var c = await Database.OpenAsync();
        foreach (var name in new[] { Zoo, Umr, Ecomusee, Dys, Abbey, Ain, Debrouillards, ThreeD })
        {
            await ActorRows.InsertAsync(c, name, 1, "musee", 5.0415, 47.3220, themes: ["patrimoine"]);
        }

        // « Médiathèque annexe 01 » … « 37 », in Chenôve, circle 3: 45 actors, three pages.
        for (var i = 1; i <= 37; i++)
        {
            await ActorRows.InsertAsync(c, $"Médiathèque annexe {i:00}", 3, "bibliotheque", 5.0081, 47.2917);
        }
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class ActorSortNameTests(SortNameFixture actors) : IClassFixture<SortNameFixture>
{
    public static TheoryData<string, string> Keys => new()
    {
        { SortNameFixture.Umr, "UMR  9014 - Laboratoire de Mécanique des Fluides de Lille, Kampé de Fériet" },
        { SortNameFixture.Dys, "Dys)Régulations Emotionnelles et Cognitives" },
        { SortNameFixture.Ain, "BIBLIOTHEQUE DEPARTEMENTALE DE PRET – DE L'AIN" },
        { "06 – Médiathèque départementale annexe de Tende", "Médiathèque départementale annexe de Tende" },
        { "12) Médiathèque", "Médiathèque" },
        { "1. Introduction aux sciences", "Introduction aux sciences" },
        { "— Musée", "Musée" },
        { "« Les Petits Débrouillards »", "Les Petits Débrouillards »" },
        { "\"Café\" des sciences", "Café\" des sciences" },
        { "[Fablab] de la Plaine", "Fablab] de la Plaine" },
        { "  ...Espace des sciences", "Espace des sciences" },
        // Numbers that are part of the name stay: a model, a year, a decimal code.
        { SortNameFixture.ThreeD, SortNameFixture.ThreeD },
        { "29.31 espace socioculturel", "29.31 espace socioculturel" },
        { "1789", "1789" },
        // Nothing but punctuation: the name is its own key rather than an empty one.
        { "---", "---" },
        { "Écomusée", "Écomusée" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task The_sort_key_skips_leading_punctuation_and_numbering(string name, string expected)
    {
        await using var connection = await actors.Database.OpenAsync();
        Assert.Equal(expected, await connection.ExecuteScalarAsync<string>("select portal_sort_name(@name)", new { name }));
    }

    [Fact]
    public async Task The_stored_key_follows_a_renamed_listing()
    {
        await using var connection = await actors.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await connection.ExecuteScalarAsync<long>("select id from actor where name = @name", new { name = SortNameFixture.Zoo }, transaction);
        await connection.ExecuteAsync("update actor set name = '- Zoo renommé' where id = @id", new { id }, transaction);
        Assert.Equal("Zoo renommé", await connection.ExecuteScalarAsync<string>("select sort_name from actor where id = @id", new { id }, transaction));
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task The_directory_sorts_names_as_a_French_reader_expects()
    {
        var search = new SearchActors(actors.DataSource);
        var (filter, _) = ActorFilter.Parse(Query("cercle=1"));

        var result = await search.SearchAsync(filter, ActorSort.Name, 1, 20, CancellationToken.None);

        Assert.Equal(SortNameFixture.Expected, result.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task The_CSV_export_follows_the_same_order()
    {
        using var factory = new PortalFactory(actors.Database.ConnectionString);
        using var client = factory.CreatePageClient();

        var response = await client.GetAsync(new Uri("/acteurs.csv?cercle=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var rows = SimpleCsv.Parse(text, ';');
        var nameColumn = rows[0].FindIndex(h => h == "nom");
        Assert.True(nameColumn >= 0, string.Join(" | ", rows[0]));
        // The export defuses a leading « - » as a spreadsheet formula with an apostrophe (docs/exports.md).
        Assert.Equal(SortNameFixture.Expected, rows.Skip(1).Where(r => r.Count > nameColumn).Select(r => r[nameColumn].StartsWith("'-", StringComparison.Ordinal) ? r[nameColumn][1..] : r[nameColumn]));
    }

    [Fact]
    public async Task The_index_serves_a_page_in_order_without_sorting_the_actors()
    {
        await using var connection = await actors.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // 45 rows make a sequential scan and a sort cheapest: forbid the sort to see whether the index can serve it.
        await connection.ExecuteAsync("set local enable_sort = off; set local enable_seqscan = off", transaction: transaction);
        var plan = string.Join('\n', await connection.QueryAsync<string>("""
            explain select a.id from actor a where a.status = any('{published}'::text[])
            order by a.sort_name collate french, a.id limit 20 offset 20
            """, transaction: transaction));

        Assert.Contains("actor_sort_name_idx", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan.Replace("actor_sort_name_idx", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Query(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
}
