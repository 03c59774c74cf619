using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Territories;

/// <summary>
/// The loaded territories, checked against the source files read again here, independently of the loader's SQL.
/// </summary>
public sealed class TerritoryLoadTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Loads_18_regions_101_departments_and_35357_communes_with_valid_geometry_in_every_projection()
    {
        await using var connection = await database.OpenAsync();

        var counts = await connection.QuerySingleAsync<(int Regions, int Departments, int Communes, int Epcis)>(
            "select (select count(*) from region)::int, (select count(*) from department)::int, (select count(*) from commune)::int, (select count(*) from epci)::int");
        var invalid = await connection.ExecuteScalarAsync<int>("""
            select (select count(*) from region where not (st_isvalid(geom) and st_isvalid(geom_l93) and st_isvalid(geom_3857)))
                 + (select count(*) from department where not (st_isvalid(geom) and st_isvalid(geom_l93) and st_isvalid(geom_3857)))
                 + (select count(*) from commune where not (st_isvalid(geom) and st_isvalid(geom_l93) and st_isvalid(geom_3857)) or st_isempty(geom))
                 + (select count(*) from epci where geom is not null and not st_isvalid(geom))
            """);
        var srids = await connection.QuerySingleAsync<(int Wgs84, int Lambert93, int WebMercator)>(
            "select st_srid(geom), st_srid(geom_l93), st_srid(geom_3857) from commune limit 1");

        Assert.Equal((18, 101, 35_357, 1_255), counts);
        Assert.Equal(0, invalid);
        Assert.Equal((4326, 2154, 3857), srids);
    }

    [Fact]
    public async Task Every_commune_lies_in_its_department_and_that_departments_region()
    {
        await using var connection = await database.OpenAsync();

        var mismatched = await connection.ExecuteScalarAsync<int>("""
            select count(*) from commune c join department d on d.code = c.department_code where d.region_code <> c.region_code
            """);
        // The point inside each commune is inside its department's outline (both simplified from the same source,
        // so a handful of coastal slivers may differ; there must be no systematic error).
        var outside = await connection.ExecuteScalarAsync<int>("""
            select count(*) from commune c join department d on d.code = c.department_code where not st_intersects(d.geom, c.centre)
            """);

        Assert.Equal(0, mismatched);
        Assert.True(outside < 20, $"{outside} communes lie outside their department's outline");
    }

    [Fact]
    public async Task Spatial_indexes_exist_for_every_projection_the_queries_use()
    {
        await using var connection = await database.OpenAsync();

        var indexes = (await connection.QueryAsync<string>(
            "select indexdef from pg_indexes where schemaname = 'public' and indexdef like '%USING gist%'")).ToList();

        foreach (var expected in new[] { "commune USING gist (geom)", "commune USING gist (geom_l93)", "commune USING gist (geom_3857)", "region USING gist (geom)", "department USING gist (geom)" })
        {
            Assert.Contains(indexes, index => index.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_self_intersecting_commune_outline_is_repaired_not_dropped()
    {
        await using var connection = await database.OpenAsync();

        var repaired = await connection.ExecuteScalarAsync<int>("select value from reference_load_report where key = 'outlines_repaired'");

        Assert.True(repaired >= 1, "the source holds at least one invalid commune ring");
        Assert.Equal(35_357, await connection.ExecuteScalarAsync<int>("select count(*) from commune where st_isvalid(geom)"));
    }

    [Fact]
    public async Task Loading_again_changes_nothing()
    {
        await using var services = TestDatabase.AppServices(database.Name);
        await using var connection = await database.OpenAsync();
        var before = await connection.ExecuteScalarAsync<long>("select sum(population) from commune");

        await using var scope = services.CreateAsyncScope();
        var loaded = await scope.ServiceProvider.GetRequiredService<LoadTerritories>().RunAsync(CancellationToken.None);

        Assert.False(loaded);
        Assert.Equal(35_357, await connection.ExecuteScalarAsync<int>("select count(*) from commune"));
        Assert.Equal(before, await connection.ExecuteScalarAsync<long>("select sum(population) from commune"));
    }

    [Fact]
    public async Task Population_and_epci_mapping_counts_match_the_source_files_and_the_report()
    {
        var sources = ReferenceFiles.Read();
        await using var connection = await database.OpenAsync();
        var outlineCodes = (await connection.QueryAsync<string>("select code from commune")).ToHashSet(StringComparer.Ordinal);
        var report = (await connection.QueryAsync<(string Key, int Value)>("select key, value from reference_load_report"))
            .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);

        // Independent computation: each outline's 2026 commune, from the COG alone.
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in outlineCodes)
        {
            if (sources.Communes2026.Contains(code))
            {
                current[code] = code;
            }
            else if (sources.ParentOfDelegated.TryGetValue(code, out var parent))
            {
                current[code] = parent;
            }
        }

        var outlinesPer2026 = current.Values.GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var population2026 = sources.Population.GroupBy(p => p.Commune2026, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Inhabitants), StringComparer.Ordinal);
        var unmatchedCommunes = population2026.Keys.Where(code => !outlinesPer2026.ContainsKey(code)).ToList();
        var unmatchedEpciRows = sources.EpciMembers.Count(code => !outlinesPer2026.ContainsKey(code));

        Assert.Equal(outlineCodes.Count - current.Count, report["outlines_without_population"]);
        Assert.Equal(sources.Population.Count, report["population_rows"]);
        Assert.Equal(population2026.Count, report["population_communes_2026"]);
        Assert.Equal(unmatchedCommunes.Count, report["population_communes_unmatched"]);
        Assert.Equal(population2026.Keys.Count(k => outlinesPer2026.GetValueOrDefault(k) > 1), report["population_communes_apportioned"]);
        Assert.Equal(unmatchedCommunes.Sum(code => population2026[code]), report["population_unmatched_inhabitants"]);
        Assert.Equal(sources.EpciMembers.Count, report["epci_member_rows"]);
        Assert.Equal(unmatchedEpciRows, report["epci_member_rows_unmatched"]);
        Assert.Equal(current.Count(c => sources.EpciOf.ContainsKey(c.Value)), report["epci_outlines_assigned"]);

        // The report says what the tables hold, and every unmatched row is listed, not dropped.
        Assert.Equal(report["outlines_without_population"], await connection.ExecuteScalarAsync<int>("select count(*) from commune where population is null"));
        Assert.Equal(report["population_outlines_apportioned"], await connection.ExecuteScalarAsync<int>("select count(*) from commune where population_apportioned"));
        Assert.Equal(report["epci_outlines_assigned"], await connection.ExecuteScalarAsync<int>("select count(*) from commune where epci_siren is not null"));
        Assert.Equal(report["population_communes_unmatched"], await connection.ExecuteScalarAsync<int>(
            "select count(*) from reference_unmatched where source = 'reference/insee_population_communes_2023.csv'"));
        Assert.Equal(report["outlines_without_population"], await connection.ExecuteScalarAsync<int>(
            "select count(*) from reference_unmatched where source = 'territories/communes.geojson.gz'"));
        Assert.Equal(report["epci_member_rows_unmatched"], await connection.ExecuteScalarAsync<int>(
            "select count(*) from reference_unmatched where source = 'reference/epci_composition_communale_2025.csv'"));
    }

    [Fact]
    public async Task Not_one_inhabitant_is_lost_or_invented_by_the_mapping()
    {
        var sources = ReferenceFiles.Read();
        await using var connection = await database.OpenAsync();

        var onOutlines = await connection.ExecuteScalarAsync<long>("select sum(population) from commune");
        var unmatched = await connection.ExecuteScalarAsync<long>("select value from reference_load_report where key = 'population_unmatched_inhabitants'");
        var byDepartment = (await connection.QueryAsync<(string Code, long Population)>("select code, population::bigint from department"))
            .ToDictionary(d => d.Code, d => d.Population, StringComparer.Ordinal);

        Assert.Equal(sources.Population.Sum(p => (long)p.Inhabitants), onOutlines + unmatched);
        foreach (var group in sources.Population.GroupBy(p => p.Department, StringComparer.Ordinal))
        {
            Assert.Equal(group.Sum(p => (long)p.Inhabitants), byDepartment[group.Key]);
        }
    }

    [Fact]
    public async Task A_merged_commune_population_is_split_over_its_outlines_and_adds_up_exactly()
    {
        var sources = ReferenceFiles.Read();
        await using var connection = await database.OpenAsync();

        var groups = (await connection.QueryAsync<(string Current, long Population, int Outlines)>("""
            select current_code, sum(population)::bigint, count(*)::int from commune
            where population_apportioned group by current_code
            """)).ToList();
        var expected = sources.Population.GroupBy(p => p.Commune2026, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Sum(p => p.Inhabitants), StringComparer.Ordinal);

        Assert.NotEmpty(groups);
        Assert.All(groups, g =>
        {
            Assert.True(g.Outlines > 1);
            Assert.Equal(expected[g.Current], g.Population);
        });
    }

    [Fact]
    public async Task Paris_gets_the_sum_of_its_twenty_arrondissements()
    {
        var sources = ReferenceFiles.Read();
        await using var connection = await database.OpenAsync();

        var paris = await connection.ExecuteScalarAsync<int>("select population from commune where code = '75056'");

        Assert.Equal(sources.Population.Where(p => p.Code.StartsWith("751", StringComparison.Ordinal)).Sum(p => p.Inhabitants), paris);
        Assert.Equal(20, sources.Population.Count(p => p.Code.StartsWith("751", StringComparison.Ordinal)));
    }

    /// <summary>The reference CSV files, read with CsvHelper.</summary>
    private sealed record ReferenceFiles(
        HashSet<string> Communes2026,
        Dictionary<string, string> ParentOfDelegated,
        List<(string Code, string Commune2026, string Department, int Inhabitants)> Population,
        List<string> EpciMembers,
        Dictionary<string, string> EpciOf)
    {
        private static readonly Lazy<ReferenceFiles> Cached = new(Load);

        public static ReferenceFiles Read() => Cached.Value;

        private static ReferenceFiles Load()
        {
            var cog = Rows("cog_communes_2026.csv");
            var communes = cog.Where(r => r["TYPECOM"] == "COM").Select(r => r["COM"]).ToHashSet(StringComparer.Ordinal);
            var parents = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in cog.Where(r => r["TYPECOM"] is "COMD" or "COMA" && r["COMPARENT"].Length > 0).OrderBy(r => r["TYPECOM"], StringComparer.Ordinal))
            {
                parents.TryAdd(row["COM"], row["COMPARENT"]);
            }

            var arrondissements = cog.Where(r => r["TYPECOM"] == "ARM").ToDictionary(r => r["COM"], r => r["COMPARENT"], StringComparer.Ordinal);
            var population = Rows("insee_population_communes_2023.csv")
                .Select(r => (r["COM"], r["type_code"] == "ARM" ? arrondissements[r["COM"]] : r["COM"], r["DEP"], int.Parse(r["PMUN"], CultureInfo.InvariantCulture)))
                .ToList();
            var members = Rows("epci_composition_communale_2025.csv").Select(r => (Commune: r["insee"], Siren: r["siren"])).ToList();
            var epciOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var member in members.OrderBy(m => m.Siren, StringComparer.Ordinal))
            {
                epciOf.TryAdd(member.Commune, member.Siren);
            }

            return new ReferenceFiles(communes, parents, population, members.Select(m => m.Commune).ToList(), epciOf);
        }

        private static List<Dictionary<string, string>> Rows(string file) =>
            SimpleCsv.ReadFile(Path.Combine(TestDatabase.DataDirectory, "reference", file));
    }
}
