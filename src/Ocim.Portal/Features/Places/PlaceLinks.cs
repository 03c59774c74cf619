namespace Ocim.Portal.Features.Places;

/// <summary>Where a chosen place leads: the directory, the map, its territory page or its white zones.</summary>
public static class PlaceLinks
{
    public const string Actors = "acteurs";
    public const string Map = "carte";
    public const string Territories = "territoires";
    public const string Coverage = "couverture";

    public static readonly IReadOnlyList<string> Targets = [Actors, Map, Territories, Coverage];

    public static string TargetLabel(string target) => target switch
    {
        Map => "la carte",
        Territories => "la page du territoire",
        Coverage => "les zones blanches",
        _ => "l'annuaire des acteurs",
    };

    /// <summary>The address of a place on a destination; the kind is also the filter's key and the territory level.</summary>
    public static string Href(PlaceSuggestion place, string target)
    {
        var code = Uri.EscapeDataString(place.Code);
        return target switch
        {
            Map => $"/carte?{place.Kind}={code}",
            Territories => $"/territoires/{place.Kind}/{code}",
            Coverage => $"/territoires/{place.Kind}/{code}/couverture",
            _ => $"/acteurs?{place.Kind}={code}",
        };
    }
}
