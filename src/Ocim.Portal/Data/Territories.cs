namespace Ocim.Portal.Data;

// Territories are loaded in bulk by SQL (Features/Territories/LoadTerritories.cs) and never edited through EF;
// these types exist so that later entities (actors, events) can reference them. Outlines live in SQL only.

public sealed class Region
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public int? Population { get; init; }
}

public sealed class Department
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string RegionCode { get; init; }
    public int? Population { get; init; }
}

public sealed class Epci
{
    public required string Siren { get; init; }
    public required string Name { get; init; }
    public required string Nature { get; init; }
    public string? SeatDepartment { get; init; }
    public int MemberCount { get; init; }
    public int? Population { get; init; }
}

public sealed class Commune
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string DepartmentCode { get; init; }
    public required string RegionCode { get; init; }
    public string? CurrentCode { get; init; }
    public string? EpciSiren { get; init; }
    public int? Population { get; init; }
    public bool PopulationApportioned { get; init; }
    public double AreaKm2 { get; init; }
}
