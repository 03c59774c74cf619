using System.Text.RegularExpressions;

namespace Ocim.Portal.Features.Territories;

public enum TerritoryLevel
{
    Region,
    Department,
    Epci,
    Commune,
}

/// <summary>The French words and URL segments of each level, and the shape of its codes.</summary>
public static partial class TerritoryLevels
{
    public static string Segment(this TerritoryLevel level) => level switch
    {
        TerritoryLevel.Region => "region",
        TerritoryLevel.Department => "departement",
        TerritoryLevel.Epci => "epci",
        _ => "commune",
    };

    public static string Label(this TerritoryLevel level) => level switch
    {
        TerritoryLevel.Region => "Région",
        TerritoryLevel.Department => "Département",
        TerritoryLevel.Epci => "Intercommunalité (EPCI)",
        _ => "Commune",
    };

    public static string Href(this TerritoryLevel level, string code) => $"/territoires/{level.Segment()}/{code}";

    public static bool TryParse(string? segment, out TerritoryLevel level)
    {
        (var found, level) = segment switch
        {
            "region" => (true, TerritoryLevel.Region),
            "departement" => (true, TerritoryLevel.Department),
            "epci" => (true, TerritoryLevel.Epci),
            "commune" => (true, TerritoryLevel.Commune),
            _ => (false, TerritoryLevel.Region),
        };
        return found;
    }

    /// <summary>INSEE codes: region 2 digits; department 2 digits, 2A/2B or 97x; commune 5 characters; EPCI a SIREN.</summary>
    public static bool IsWellFormed(this TerritoryLevel level, string code) => level switch
    {
        TerritoryLevel.Region => RegionCode().IsMatch(code),
        TerritoryLevel.Department => DepartmentCode().IsMatch(code),
        TerritoryLevel.Epci => Siren().IsMatch(code),
        _ => CommuneCode().IsMatch(code),
    };

    [GeneratedRegex("^[0-9]{2}$")]
    private static partial Regex RegionCode();

    [GeneratedRegex("^([0-9]{2}|2A|2B|97[0-9])$")]
    private static partial Regex DepartmentCode();

    [GeneratedRegex("^[0-9]{9}$")]
    private static partial Regex Siren();

    [GeneratedRegex("^[0-9][0-9AB][0-9]{3}$")]
    private static partial Regex CommuneCode();

    /// <summary>The legal nature of an EPCI, in words.</summary>
    public static string EpciNature(string nature) => nature switch
    {
        "CC" => "Communauté de communes",
        "CA" => "Communauté d'agglomération",
        "CU" => "Communauté urbaine",
        "METRO" => "Métropole",
        "MET69" => "Métropole de Lyon",
        _ => nature,
    };
}

/// <summary>A link to a territory page.</summary>
public sealed record TerritoryRef(TerritoryLevel Level, string Code, string Name)
{
    public string Href => Level.Href(Code);
}
