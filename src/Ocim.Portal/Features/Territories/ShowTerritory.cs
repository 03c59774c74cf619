using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Territories;

/// <summary>A row of a territory's table of sub-territories.</summary>
public sealed record TerritoryChild(TerritoryRef Territory, int? Population, bool PopulationApportioned, string? Detail);

/// <summary>What a territory page shows.</summary>
public sealed record TerritoryPage(
    TerritoryRef Self,
    IReadOnlyList<TerritoryRef> Parents,
    int? Population,
    bool PopulationApportioned,
    double? AreaKm2,
    IReadOnlyList<(string Term, string Value)> Facts,
    string? Note,
    string ChildrenCaption,
    IReadOnlyList<TerritoryChild> Children,
    string? RelatedCaption,
    IReadOnlyList<TerritoryChild> Related);

/// <summary>Reads one territory with its parents and children; null when the code is unknown.</summary>
public sealed class ShowTerritory(NpgsqlDataSource dataSource)
{
    public async Task<TerritoryPage?> FindAsync(TerritoryLevel level, string code, CancellationToken cancellationToken)
    {
        if (!level.IsWellFormed(code))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return level switch
        {
            TerritoryLevel.Region => await RegionAsync(connection, code, cancellationToken),
            TerritoryLevel.Department => await DepartmentAsync(connection, code, cancellationToken),
            TerritoryLevel.Epci => await EpciAsync(connection, code, cancellationToken),
            _ => await CommuneAsync(connection, code, cancellationToken),
        };
    }

    private static async Task<TerritoryPage?> RegionAsync(NpgsqlConnection connection, string code, CancellationToken cancellationToken)
    {
        var region = await connection.QuerySingleOrDefaultAsync<(string Code, string Name, int? Population, double AreaKm2, int Communes)>(
            new CommandDefinition("""
                select r.code, r.name, r.population,
                       (select sum(area_km2) from commune c where c.region_code = r.code) as area_km2,
                       (select count(*)::int from commune c where c.region_code = r.code) as communes
                from region r where r.code = @code
                """, new { code }, cancellationToken: cancellationToken));
        if (region.Code is null)
        {
            return null;
        }

        var departments = await connection.QueryAsync<(string Code, string Name, int? Population, int Communes)>(
            new CommandDefinition("""
                select d.code, d.name, d.population, (select count(*)::int from commune c where c.department_code = d.code) as communes
                from department d where d.region_code = @code order by d.code
                """, new { code }, cancellationToken: cancellationToken));
        var children = departments
            .Select(d => new TerritoryChild(new TerritoryRef(TerritoryLevel.Department, d.Code, d.Name), d.Population, false, Plural(d.Communes, "commune")))
            .ToList();

        return new TerritoryPage(
            new TerritoryRef(TerritoryLevel.Region, region.Code, region.Name),
            [],
            region.Population,
            false,
            region.AreaKm2,
            [("Code INSEE", region.Code), ("Départements", Number(children.Count)), ("Communes (contours 2018)", Number(region.Communes))],
            null,
            $"Départements de la région {region.Name}",
            children,
            null,
            []);
    }

    private static async Task<TerritoryPage?> DepartmentAsync(NpgsqlConnection connection, string code, CancellationToken cancellationToken)
    {
        var department = await connection.QuerySingleOrDefaultAsync<(string Code, string Name, int? Population, string RegionCode, string RegionName, double AreaKm2)>(
            new CommandDefinition("""
                select d.code, d.name, d.population, r.code as region_code, r.name as region_name,
                       (select sum(area_km2) from commune c where c.department_code = d.code) as area_km2
                from department d join region r on r.code = d.region_code
                where d.code = @code
                """, new { code }, cancellationToken: cancellationToken));
        if (department.Code is null)
        {
            return null;
        }

        var communes = await connection.QueryAsync<(string Code, string Name, int? Population, bool PopulationApportioned, string? EpciName)>(
            new CommandDefinition("""
                select c.code, c.name, c.population, c.population_apportioned, e.name as epci_name
                from commune c left join epci e on e.siren = c.epci_siren
                where c.department_code = @code order by c.name collate french, c.code
                """, new { code }, cancellationToken: cancellationToken));
        var epcis = await connection.QueryAsync<(string Siren, string Name, string Nature, int? Population, int Here, int MemberCount)>(
            new CommandDefinition("""
                select e.siren, e.name, e.nature, e.population, count(*)::int as here, e.member_count
                from commune c join epci e on e.siren = c.epci_siren
                where c.department_code = @code
                group by e.siren order by e.name
                """, new { code }, cancellationToken: cancellationToken));

        var children = communes
            .Select(c => new TerritoryChild(new TerritoryRef(TerritoryLevel.Commune, c.Code, c.Name), c.Population, c.PopulationApportioned, c.EpciName))
            .ToList();
        var related = epcis
            .Select(e => new TerritoryChild(
                new TerritoryRef(TerritoryLevel.Epci, e.Siren, e.Name),
                e.Population,
                false,
                $"{TerritoryLevels.EpciNature(e.Nature)} · {Plural(e.Here, "contour")} dans le département"))
            .ToList();

        return new TerritoryPage(
            new TerritoryRef(TerritoryLevel.Department, department.Code, department.Name),
            [new TerritoryRef(TerritoryLevel.Region, department.RegionCode, department.RegionName)],
            department.Population,
            false,
            department.AreaKm2,
            [("Code INSEE", department.Code), ("Région", department.RegionName), ("Communes (contours 2018)", Number(children.Count)), ("Intercommunalités", Number(related.Count))],
            null,
            $"Communes du département {department.Name}",
            children,
            $"Intercommunalités présentes dans le département {department.Name}",
            related);
    }

    private static async Task<TerritoryPage?> EpciAsync(NpgsqlConnection connection, string siren, CancellationToken cancellationToken)
    {
        var epci = await connection.QuerySingleOrDefaultAsync<(string Siren, string Name, string Nature, int? Population, int MemberCount, string? DepartmentCode, string? DepartmentName, string? RegionCode, string? RegionName, double? AreaKm2)>(
            new CommandDefinition("""
                select e.siren, e.name, e.nature, e.population, e.member_count,
                       d.code as department_code, d.name as department_name, r.code as region_code, r.name as region_name,
                       (select sum(area_km2) from commune c where c.epci_siren = e.siren) as area_km2
                from epci e
                left join department d on d.code = e.seat_department
                left join region r on r.code = d.region_code
                where e.siren = @siren
                """, new { siren }, cancellationToken: cancellationToken));
        if (epci.Siren is null)
        {
            return null;
        }

        var communes = await connection.QueryAsync<(string Code, string Name, int? Population, bool PopulationApportioned, string DepartmentName)>(
            new CommandDefinition("""
                select c.code, c.name, c.population, c.population_apportioned, d.name as department_name
                from commune c join department d on d.code = c.department_code
                where c.epci_siren = @siren order by c.name collate french, c.code
                """, new { siren }, cancellationToken: cancellationToken));
        var children = communes
            .Select(c => new TerritoryChild(new TerritoryRef(TerritoryLevel.Commune, c.Code, c.Name), c.Population, c.PopulationApportioned, c.DepartmentName))
            .ToList();

        var parents = new List<TerritoryRef>();
        if (epci.RegionCode is not null)
        {
            parents.Add(new TerritoryRef(TerritoryLevel.Region, epci.RegionCode, epci.RegionName!));
        }

        if (epci.DepartmentCode is not null)
        {
            parents.Add(new TerritoryRef(TerritoryLevel.Department, epci.DepartmentCode, epci.DepartmentName!));
        }

        var note = children.Count == epci.MemberCount
            ? null
            : $"L'EPCI compte {Plural(epci.MemberCount, "commune membre")} en 2025 ; {Plural(children.Count, "contour communal")} de 2018 lui sont rattachés (fusions de communes, ou communes créées depuis).";

        return new TerritoryPage(
            new TerritoryRef(TerritoryLevel.Epci, epci.Siren, epci.Name),
            parents,
            epci.Population,
            false,
            epci.AreaKm2,
            [("SIREN", epci.Siren), ("Nature", TerritoryLevels.EpciNature(epci.Nature)), ("Département du siège", epci.DepartmentName ?? "inconnu"), ("Communes membres (2025)", Number(epci.MemberCount))],
            note,
            $"Communes de {epci.Name}",
            children,
            null,
            []);
    }

    private static async Task<TerritoryPage?> CommuneAsync(NpgsqlConnection connection, string code, CancellationToken cancellationToken)
    {
        var commune = await connection.QuerySingleOrDefaultAsync<(string Code, string Name, int? Population, bool PopulationApportioned, double AreaKm2, string? CurrentCode, string DepartmentCode, string DepartmentName, string RegionCode, string RegionName, string? EpciSiren, string? EpciName)>(
            new CommandDefinition("""
                select c.code, c.name, c.population, c.population_apportioned, c.area_km2, c.current_code,
                       d.code as department_code, d.name as department_name, r.code as region_code, r.name as region_name,
                       e.siren as epci_siren, e.name as epci_name
                from commune c
                join department d on d.code = c.department_code
                join region r on r.code = c.region_code
                left join epci e on e.siren = c.epci_siren
                where c.code = @code
                """, new { code }, cancellationToken: cancellationToken));
        if (commune.Code is null)
        {
            return null;
        }

        // The other 2018 outlines that form the same 2026 commune (a commune nouvelle), if any.
        var siblings = (await connection.QueryAsync<(string Code, string Name, int? Population)>(
            new CommandDefinition("""
                select code, name, population from commune
                where current_code = @current and code <> @code order by name collate french, code
                """, new { current = commune.CurrentCode ?? string.Empty, code }, cancellationToken: cancellationToken)))
            .Select(s => new TerritoryChild(new TerritoryRef(TerritoryLevel.Commune, s.Code, s.Name), s.Population, true, null))
            .ToList();

        var parents = new List<TerritoryRef>
        {
            new(TerritoryLevel.Region, commune.RegionCode, commune.RegionName),
            new(TerritoryLevel.Department, commune.DepartmentCode, commune.DepartmentName),
        };
        if (commune.EpciSiren is not null)
        {
            parents.Add(new TerritoryRef(TerritoryLevel.Epci, commune.EpciSiren, commune.EpciName!));
        }

        var facts = new List<(string, string)> { ("Code INSEE (2018)", commune.Code) };
        if (commune.CurrentCode is not null && commune.CurrentCode != commune.Code)
        {
            facts.Add(("Commune de rattachement en 2026", commune.CurrentCode));
        }

        facts.Add(("Intercommunalité", commune.EpciName ?? "aucune"));

        string? note = null;
        if (commune.CurrentCode is null)
        {
            note = "Ce code communal n'existe plus en 2026 (fusion de communes) et n'a pas de commune de rattachement connue : la population et l'intercommunalité ne sont pas renseignées.";
        }
        else if (commune.PopulationApportioned)
        {
            note = $"Cette commune fait partie, depuis une fusion, de la commune {commune.CurrentCode} qui regroupe {Plural(siblings.Count + 1, "ancienne commune")}. " +
                   "La population INSEE 2023 de la commune nouvelle est répartie entre ces contours au prorata de leur surface : le chiffre affiché est une estimation.";
        }

        return new TerritoryPage(
            new TerritoryRef(TerritoryLevel.Commune, commune.Code, commune.Name),
            parents,
            commune.Population,
            commune.PopulationApportioned,
            commune.AreaKm2,
            facts,
            note,
            string.Empty,
            [],
            siblings.Count > 0 ? $"Autres communes historiques de la commune {commune.CurrentCode}" : null,
            siblings);
    }

    private static string Number(int value) => value.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));

    private static string Plural(int count, string noun)
    {
        if (count < 2)
        {
            return $"{Number(count)} {noun}";
        }

        // "commune membre" → "communes membres", "contour communal" → "contours communaux"
        var words = noun.Split(' ').Select(w => w.EndsWith("al", StringComparison.Ordinal) ? w[..^2] + "aux" : w + "s");
        return $"{Number(count)} {string.Join(' ', words)}";
    }
}
