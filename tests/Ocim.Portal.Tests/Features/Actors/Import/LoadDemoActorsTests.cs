using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Infrastructure;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>The demo inventory that `./portal run` loads on first run, from the real lists in data/actors/ (slow: about a minute).</summary>
public sealed class LoadDemoActorsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Loads_at_least_20000_real_actors_in_all_three_circles_each_placed_in_a_commune()
    {
        await using var services = TestDatabase.AppServices(database.Name);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var load = new LoadDemoActors(dataSource, services.GetRequiredService<DataDirectory>(),
            new WriteActors(dataSource, NullLogger<WriteActors>.Instance), NullLogger<LoadDemoActors>.Instance);

        var reports = await load.RunAsync(CancellationToken.None);
        var again = await load.RunAsync(CancellationToken.None);

        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>("select count(*) from actor");
        var circles = (await connection.QueryAsync<int>("select distinct circle from actor order by circle")).ToList();
        var unplaced = await connection.ExecuteScalarAsync<int>("select count(*) from actor where longitude is not null and commune_code is null");
        var sources = (await connection.QueryAsync<string>("select distinct source from actor order by source")).ToList();

        Assert.True(total >= 20_000, $"{total} actors loaded");
        Assert.Equal([1, 2, 3], circles);
        Assert.Equal(0, unplaced);
        Assert.Equal(DemoSources.All.Select(s => s.Name).Order(StringComparer.Ordinal), sources);
        Assert.Equal(total, reports.Sum(r => r.Imported));
        Assert.Empty(again);   // a second run finds actors and leaves them alone
        Assert.Equal(4, reports.Single(r => r.Source == "etablissements-enseignement-superieur").Skipped);   // the four abroad
    }

    [Fact]
    public void The_unlicensed_fablabs_io_list_is_neither_committed_nor_a_demo_source()
    {
        Assert.False(File.Exists(Path.Combine(TestDatabase.DataDirectory, "actors", "fablabs_france_fablabsio_2017.csv")));
        Assert.DoesNotContain(DemoSources.All, s => s.FileName.Contains("fablabsio", StringComparison.Ordinal));
        Assert.All(DemoSources.All, s => Assert.True(File.Exists(Path.Combine(TestDatabase.DataDirectory, "actors", s.FileName)), s.FileName));
    }

    [Fact]
    public void Maps_each_source_to_its_circle_and_family()
    {
        var actors = Path.Combine(TestDatabase.DataDirectory, "actors");
        var read = DemoSources.All.ToDictionary(s => s.Name, s => s.Read(Path.Combine(actors, s.FileName)));

        Assert.All(read["bibliotheques-publiques"].Records, r => Assert.Equal((3, "bibliotheque"), (r.Circle, r.FamilySlug)));
        Assert.Contains(read["jardins-remarquables"].Records, r => r is { Circle: 1, FamilySlug: "jardin-botanique" });
        Assert.Contains(read["jardins-remarquables"].Records, r => r is { Circle: 3, FamilySlug: "jardin-remarquable" });
        Assert.All(read["etablissements-enseignement-superieur"].Records, r => Assert.True(r is { Circle: 2, FamilySlug: "universite" or "ecole-superieure" }, r.FamilySlug));
        Assert.All(read["rnsr-structures-recherche"].Records, r => Assert.Equal((2, "organisme-de-recherche", true), (r.Circle, r.FamilySlug, r.Longitude is null && r.CommuneCode is not null)));
        Assert.Contains(read["fablabs-tiers-lieux-bretagne"].Records, r => r.FamilySlug == "fablab");
        Assert.Contains(read["fablabs-tiers-lieux-bretagne"].Records, r => r.FamilySlug == "tiers-lieu");
        Assert.All(read.Values.SelectMany(c => c.Records), r => Assert.Empty(ActorRules.Check(r)));
        Assert.Equal(15_882, read["bibliotheques-publiques"].Rows);
    }
}
