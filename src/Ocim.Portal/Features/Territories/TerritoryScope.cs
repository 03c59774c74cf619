using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

/// <summary>
/// How a territory page and its coverage page read the actor filter of their query string: the territory is the
/// page's own (from its address), so the filter's territory and radius keys are left out and only what describes
/// the actors themselves (text, circle, family, action, theme, audience) applies.
/// </summary>
public static class TerritoryScope
{
    /// <summary>The filter without its territory and radius keys.</summary>
    public static ActorFilter Thematic(ActorFilter filter) => filter with
    {
        Region = null,
        Department = null,
        Epci = null,
        Commune = null,
        NearCommune = null,
        NearLatitude = null,
        NearLongitude = null,
        RadiusKm = null,
    };

    /// <summary>The thematic filter narrowed to a territory: the actors of the page, as /acteurs lists them.</summary>
    public static ActorFilter Within(ActorFilter thematic, TerritoryLevel level, string code) => level switch
    {
        TerritoryLevel.Region => thematic with { Region = code },
        TerritoryLevel.Department => thematic with { Department = code },
        TerritoryLevel.Epci => thematic with { Epci = code },
        _ => thematic with { Commune = code },
    };

    /// <summary>A condition on the commune table aliased <c>c</c> selecting a territory's communes (parameter @territory).</summary>
    public static string CommuneCondition(TerritoryLevel? level) => level switch
    {
        null => "true",
        TerritoryLevel.Region => "c.region_code = @territory",
        TerritoryLevel.Department => "c.department_code = @territory",
        TerritoryLevel.Epci => "c.epci_siren = @territory",
        _ => "c.code = @territory",
    };

    /// <summary>Overseas departments (971–976) and their communes (97xxx), where Lambert-93 does not hold.</summary>
    public static bool IsOverseas(string departmentOrCommuneCode) => departmentOrCommuneCode.StartsWith("97", StringComparison.Ordinal);
}
