using Ocim.Portal.Data;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure.Logging;

namespace Ocim.Portal.Tests.Infrastructure;

public sealed class PlumbingTests
{
    [Theory]
    [InlineData("Region", "region")]
    [InlineData("DepartmentCode", "department_code")]
    [InlineData("PopulationApportioned", "population_apportioned")]
    [InlineData("AreaKm2", "area_km2")]
    [InlineData("EPCISiren", "epci_siren")]
    public void Names_become_snake_case(string name, string expected) => Assert.Equal(expected, SnakeCaseNames.ToSnakeCase(name));

    [Theory]
    [InlineData("/territoires/commune/21231", "/territoires/commune/21231")]
    [InlineData("/inscription/annuler/Zk3vQm9pX2hQy7LrT0aBcDeFgHiJ", "/inscription/annuler/***")]
    [InlineData("/inscription/annuler/Zk3vQm9pX2hQy7LrT0aBcDeFgHiJ/confirmer", "/inscription/annuler/***/confirmer")]
    [InlineData("/mes-donnees/Zk3vQm9pX2hQy7LrT0aBcDeFgHiJ.json", "/mes-donnees/***.json")]
    [InlineData("/mes-donnees/Zk3vQm9pX2hQy7LrT0aBcDeFgHiJ.csv", "/mes-donnees/***.csv")]
    [InlineData("/evenements/atelier-de-mediation-scientifique.ics", "/evenements/***.ics")]
    public void Tokens_in_paths_are_masked_in_logs(string path, string logged) =>
        Assert.Equal(logged, RequestLoggingMiddleware.SafePath(path));

    [Theory]
    [InlineData(TerritoryLevel.Region, "27", true)]
    [InlineData(TerritoryLevel.Region, "270", false)]
    [InlineData(TerritoryLevel.Department, "2A", true)]
    [InlineData(TerritoryLevel.Department, "976", true)]
    [InlineData(TerritoryLevel.Department, "2C", false)]
    [InlineData(TerritoryLevel.Commune, "2A004", true)]
    [InlineData(TerritoryLevel.Commune, "21231 ", false)]
    [InlineData(TerritoryLevel.Epci, "242100410", true)]
    [InlineData(TerritoryLevel.Epci, "24210041A", false)]
    public void Territory_codes_are_checked_before_any_query(TerritoryLevel level, string code, bool wellFormed) =>
        Assert.Equal(wellFormed, level.IsWellFormed(code));

    [Fact]
    public void The_load_script_splits_into_named_steps_in_order()
    {
        var steps = LoadTerritories.Steps("-- intro\n-- step: Un\nselect 1;\n-- step: Deux\nselect 2;\n").ToList();

        Assert.Equal([("Un", "select 1;\n"), ("Deux", "select 2;\n")], steps);
    }
}
