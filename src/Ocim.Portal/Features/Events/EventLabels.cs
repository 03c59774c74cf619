namespace Ocim.Portal.Features.Events;

/// <summary>The French words of the events feature.</summary>
public static class EventLabels
{
    public static readonly IReadOnlyList<(string Slug, string Label)> Kinds =
    [
        ("atelier", "Atelier"),
        ("formation", "Formation"),
        ("forum", "Forum"),
        ("journee-etude", "Journée d'étude"),
        ("rencontre", "Rencontre"),
        ("webinaire", "Webinaire"),
        ("workshop", "Workshop"),
        ("conference", "Conférence"),
        ("seminaire", "Séminaire"),
    ];

    public static string Kind(string slug) => Kinds.FirstOrDefault(k => k.Slug == slug).Label ?? slug;

    public static bool IsKind(string? slug) => Kinds.Any(k => k.Slug == slug);

    public static string Status(string status, bool full) => status switch
    {
        "draft" => "Brouillon",
        "cancelled" => "Annulé",
        "postponed" => "Reporté",
        _ when full => "Complet",
        _ => "Publié",
    };

    public static string Attendance(string mode) => mode switch
    {
        "en-ligne" => "En ligne",
        "hybride" => "Sur place et en ligne",
        _ => "Sur place",
    };

    /// <summary>« 1 place restante », « 12 places restantes », « complet ».</summary>
    public static string PlacesLeft(int left) => left switch
    {
        <= 0 => "complet",
        1 => "1 place restante",
        _ => $"{left.ToString("N0", EventTime.French)} places restantes",
    };
}
