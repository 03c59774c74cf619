using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>Re-importing a file updates what changed and nothing else: external ids, never duplicates.</summary>
public sealed class ImportIdempotencyTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string File = """
        id_externe;nom;cercle;famille;commune;longitude;latitude;types_action;site_web
        m1;Muséum de Dijon;1;museum;;5.0415;47.3220;expositions|mediation;https://museum.dijon.fr
        m2;Bibliothèque de Beaune;3;bibliotheque;21054;;;lecture-publique;
        m3;Jardin de l'Arquebuse;1;jardin-botanique;;5.0300;47.3180;;
        """;

    [Fact]
    public async Task Importing_the_same_file_twice_gives_the_same_rows_and_touches_nothing()
    {
        await using var import = new ImportHelper(database);

        var first = await import.ImportAsync(File, "idem-same");
        var before = await RowsAsync("idem-same");
        var second = await import.ImportAsync(File, "idem-same");
        var after = await RowsAsync("idem-same");

        Assert.Equal((3, 0, 0, true), (first.Inserted, first.Updated, first.Unchanged, first.Written));
        Assert.Equal((0, 0, 3), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(before, after);   // same ids, same values, same updated_at
        Assert.Equal(3, after.Count);
    }

    [Fact]
    public async Task A_changed_row_is_updated_in_place_and_the_others_are_left_alone()
    {
        await using var import = new ImportHelper(database);
        await import.ImportAsync(File, "idem-change");
        var before = (await RowsAsync("idem-change")).ToDictionary(r => r.ExternalId);

        var changed = File.Replace("Bibliothèque de Beaune;3;bibliotheque;21054", "Médiathèque de Beaune;3;bibliotheque;21054", StringComparison.Ordinal);
        var outcome = await import.ImportAsync(changed, "idem-change");
        var after = (await RowsAsync("idem-change")).ToDictionary(r => r.ExternalId);

        Assert.Equal((0, 1, 2), (outcome.Inserted, outcome.Updated, outcome.Unchanged));
        Assert.Equal(3, after.Count);
        Assert.Equal(before["m2"].Id, after["m2"].Id);
        Assert.Equal("Médiathèque de Beaune", after["m2"].Name);
        Assert.True(after["m2"].UpdatedAt > before["m2"].UpdatedAt);
        Assert.Equal(before["m1"], after["m1"]);
        Assert.Equal(before["m3"], after["m3"]);
    }

    [Fact]
    public async Task A_moved_listing_gets_the_territories_of_its_new_place()
    {
        await using var import = new ImportHelper(database);
        await import.ImportAsync(File, "idem-move");

        // m3 moves from Dijon to Beaune (coordinates), m2 from Beaune to Dijon (commune only).
        var moved = File
            .Replace("m3;Jardin de l'Arquebuse;1;jardin-botanique;;5.0300;47.3180", "m3;Jardin de l'Arquebuse;1;jardin-botanique;;4.8400;47.0250", StringComparison.Ordinal)
            .Replace("bibliotheque;21054", "bibliotheque;21231", StringComparison.Ordinal);
        var outcome = await import.ImportAsync(moved, "idem-move");

        await using var connection = await database.OpenAsync();
        var communes = (await connection.QueryAsync<(string ExternalId, string Commune, bool Approximate)>(
            "select external_id, commune_code, location_approximate from actor where source = 'idem-move' order by external_id")).ToList();
        Assert.Equal(2, outcome.Updated);
        Assert.Equal([("m1", "21231", false), ("m2", "21231", true), ("m3", "21054", false)], communes);
    }

    [Fact]
    public async Task The_same_external_id_in_two_sources_makes_two_listings()
    {
        await using var import = new ImportHelper(database);

        await import.ImportAsync(File, "idem-source-a");
        await import.ImportAsync(File, "idem-source-b");

        Assert.Equal(3, (await RowsAsync("idem-source-a")).Count);
        Assert.Equal(3, (await RowsAsync("idem-source-b")).Count);
    }

    private async Task<List<Row>> RowsAsync(string source)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Row>("""
            select id as Id, external_id as ExternalId, name as Name, commune_code as CommuneCode, longitude as Longitude, latitude as Latitude,
                   location_approximate as LocationApproximate, action_types::text as ActionTypes, updated_at as UpdatedAt
            from actor where source = @source order by external_id
            """, new { source })).ToList();
    }

    private sealed record Row(long Id, string ExternalId, string Name, string? CommuneCode, double? Longitude, double? Latitude,
        bool LocationApproximate, string ActionTypes, DateTime UpdatedAt);
}
