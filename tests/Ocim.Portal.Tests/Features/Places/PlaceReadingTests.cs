using Dapper;
using Npgsql;
using Ocim.Portal.Features.Places;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Places;

/// <summary>
/// How the directory reads a search text: which words name a place (and which place), and what text is left.
/// Real French queries against the real place index of the test template (territories and postal codes as loaded
/// by the seed). Expected: the remaining text (null: none) and the place as « kind:code » (null: no place read).
/// </summary>
public sealed class PlaceReadingTests : IClassFixture<DatabaseFixture>, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly DatabaseFixture database;

    public PlaceReadingTests(DatabaseFixture database)
    {
        this.database = database;
        dataSource = NpgsqlDataSource.Create(database.ConnectionString);
    }

    public async ValueTask DisposeAsync() => await dataSource.DisposeAsync();

    public static TheoryData<string, string?, string?> Queries => new()
    {
        // The issue's own examples.
        { "musée Dijon", "musée", "commune:21231" },
        { "fablab près de Rennes", "fablab", "commune:35238" },
        { "bibliothèques 21", "bibliothèques", "departement:21" },
        { "musées en Côte-d'Or", "musées", "departement:21" },
        { "musées en cote d or", "musées", "departement:21" },
        // Case, accents, hyphens, apostrophes and connecting words.
        { "MUSEE DIJON", "MUSEE", "commune:21231" },
        { "planétarium à Besançon", "planétarium", "commune:25056" },
        { "jardin botanique dans la Vienne", "jardin botanique", "departement:86" },
        { "médiathèque de Clermont-Ferrand", "médiathèque", "commune:63113" },
        { "médiathèque clermont ferrand", "médiathèque", "commune:63113" },
        { "bibliothèque Villeneuve d'Ascq", "bibliothèque", "commune:59009" },
        { "L'Haÿ-les-Roses", null, "commune:94038" },
        { "lhay les roses", null, null },
        { "musée Châlons-en-Champagne", "musée", "commune:51108" },
        { "aquarium à La Rochelle", "aquarium", "commune:17300" },
        { "aquarium rochelle", "aquarium", "commune:17300" },
        { "muséum du Havre", "muséum", "commune:76351" },
        // Saint / St / Ste, and homonyms: the most populous taken, the others offered.
        { "Saint-Étienne", null, "commune:42218" },
        { "st etienne musée", "musée", "commune:42218" },
        { "bibliothèque st-malo", "bibliothèque", "commune:35288" },
        { "fablab Saint Malo", "fablab", "commune:35288" },
        { "musée Saint-Denis", "musée", "commune:97411" },
        { "musée st denis 93", "musée", "commune:93066" },
        { "Saint-Denis (93) bibliothèques", "bibliothèques", "commune:93066" },
        { "Sainte-Marie", null, "commune:97418" },
        // Postal codes and INSEE codes.
        { "bibliothèque 21000", "bibliothèque", "commune:21231" },
        { "musée 35000", "musée", "commune:35238" },
        { "21231", null, "commune:21231" },
        // Department numbers and names, Corsica and overseas.
        { "musées 75", "musées", "departement:75" },
        { "bibliothèques 2A", "bibliothèques", "departement:2A" },
        { "bibliothèques 2b", "bibliothèques", "departement:2B" },
        { "musée Corse-du-Sud", "musée", "departement:2A" },
        { "Haute-Corse", null, "departement:2B" },
        { "Ajaccio", null, "commune:2A004" },
        { "musée Bastia", "musée", "commune:2B033" },
        { "bibliothèques 971", "bibliothèques", "departement:971" },
        { "musée Guadeloupe", "musée", "departement:971" },
        { "musée Pointe-à-Pitre", "musée", "commune:97120" },
        { "bibliothèque Fort-de-France", "bibliothèque", "commune:97209" },
        { "Cayenne", null, "commune:97302" },
        { "bibliothèques à La Réunion", "bibliothèques", "departement:974" },
        { "bibliothèques Mayotte", "bibliothèques", "departement:976" },
        { "976", null, "departement:976" },
        { "Mamoudzou", null, "commune:97611" },
        // Regions.
        { "tiers-lieux en Bretagne", "tiers-lieux", "region:53" },
        { "fablabs Occitanie", "fablabs", "region:76" },
        { "Île-de-France musées", "musées", "region:11" },
        { "science Grand Est", "science", "region:44" },
        // Words that are both a place and a word: the place is read, the other reading offered on the page.
        { "Orange", null, "commune:84087" },
        { "Vienne", null, "departement:86" },
        { "Nice musée", "musée", "commune:06088" },
        // Everyday words and small villages are not read as places on their own, only after « à », « en »…
        { "jardin botanique", null, null },
        { "fontaine", null, null },
        { "muséum d'histoire naturelle", null, null },
        { "centre de sciences", null, null },
        { "bibliothèque à Jardin", "bibliothèque", "commune:38199" },
        { "écomusée", null, null },
        { "université", null, null },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Reads_the_place_of_a_search_text(string query, string? expectedText, string? expectedPlace)
    {
        var reading = await new ReadPlaceInText(dataSource).ReadAsync(query, CancellationToken.None);

        Assert.Equal(expectedPlace, reading is null ? null : $"{reading.Place.Kind}:{reading.Place.Code}");
        if (expectedPlace is not null)
        {
            Assert.Equal(expectedText, reading!.RemainingText);
        }
    }

    [Fact]
    public async Task Homonyms_taken_by_population_offer_the_others()
    {
        var reading = await new ReadPlaceInText(dataSource).ReadAsync("musée Saint-Denis", CancellationToken.None);

        Assert.NotNull(reading);
        Assert.Equal("Saint-Denis (974)", reading.Place.Label);
        Assert.Contains(reading.Alternatives, p => p.Label == "Saint-Denis (93)");
        Assert.Equal("Saint-Denis", reading.PlaceWords);
    }

    [Fact]
    public async Task A_name_of_a_department_and_a_commune_offers_the_other_kind()
    {
        var reading = await new ReadPlaceInText(dataSource).ReadAsync("Vienne", CancellationToken.None);

        Assert.NotNull(reading);
        Assert.Equal(("departement", "Vienne (86)"), (reading.Place.Kind, reading.Place.Label));
        Assert.Contains(reading.Alternatives, p => p.Kind == "commune" && p.Label == "Vienne (38)");
    }

    [Theory]
    [InlineData("Saint-Denis")]
    [InlineData("St Étienne")]
    [InlineData("ste-marie")]
    [InlineData("L'Haÿ-les-Roses")]
    [InlineData("Côte-d'Or")]
    [InlineData("Œuilly")]
    [InlineData("  Pointe-à-Pitre ")]
    public async Task The_key_computed_in_CSharp_is_the_key_computed_in_SQL(string name)
    {
        await using var connection = await database.OpenAsync();
        var sql = await connection.ExecuteScalarAsync<string>("select place_key(@name)", new { name });

        Assert.Equal(sql, PlaceKey.Of(name));
    }
}
