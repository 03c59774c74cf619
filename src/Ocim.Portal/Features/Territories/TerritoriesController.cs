using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

[Route("territoires")]
public sealed class TerritoriesController : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index([FromServices] ListRegions listRegions, [FromServices] DrawOutline drawOutline, CancellationToken cancellationToken)
    {
        var regions = await listRegions.ListAsync(cancellationToken);
        var map = await drawOutline.DrawAsync(null, null, cancellationToken);
        return View(new RegionsViewModel(regions, map));
    }

    [HttpGet("{level}/{code}")]
    public async Task<IActionResult> Show(
        string level,
        string code,
        [FromServices] ShowTerritory showTerritory,
        [FromServices] DrawOutline drawOutline,
        [FromServices] SummariseTerritoryActors summariseActors,
        [FromServices] ListActorChoices listChoices,
        CancellationToken cancellationToken)
    {
        // A blank segment (/territoires/commune/%20) binds as null.
        if (!TerritoryLevels.TryParse(level, out var territoryLevel) || string.IsNullOrWhiteSpace(code))
        {
            return NotFound();
        }

        var page = await showTerritory.FindAsync(territoryLevel, code.ToUpperInvariant(), cancellationToken);
        if (page is null)
        {
            return NotFound();
        }

        // The page is a filtered view too: the actor keys of the query string (not its territory) narrow every count.
        var (filter, filterErrors) = ActorFilter.Parse(Request.Query);
        var errors = filterErrors.ToList();
        var choices = await listChoices.ListAsync(cancellationToken);
        var thematic = TerritoryFilters.KnownTermsOnly(TerritoryScope.Thematic(filter), choices, errors);
        var related = page.Self.Level == TerritoryLevel.Department ? page.Related : [];
        var actors = await summariseActors.SummariseAsync(page.Self, page.Children, related, thematic, cancellationToken);
        var measure = Choropleth.ParseMeasure(Request.Query["mesure"].LastOrDefault());
        var choropleth = Choropleth.Build(measure, page.Children.Select(c =>
        {
            var counts = actors.Children.GetValueOrDefault(c.Territory.Code) ?? ChildActors.For(0, c.Population);
            return measure == ChoroplethMeasure.Actors
                ? new ChoroplethValue(c.Territory.Code, counts.Actors)
                : new ChoroplethValue(c.Territory.Code, counts.Per10000, counts.Missing);
        }));
        var map = await drawOutline.DrawAsync(territoryLevel, page.Self.Code, cancellationToken);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return View(new TerritoryViewModel(page, map, thematic, errors, actors, choropleth, choices));
    }

    /// <summary>Which commune is at this point? Redirects to its page, or says (404) that no commune is there.</summary>
    [HttpGet("position")]
    public async Task<IActionResult> Position(string? lon, string? lat, [FromServices] LocateTerritory locate, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var longitude = ParseCoordinate(lon, -180, 180, "La longitude", errors);
        var latitude = ParseCoordinate(lat, -90, 90, "La latitude", errors);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(new PositionViewModel(lon, lat, errors, NotFound: false));
        }

        var found = await locate.LocateAsync(longitude, latitude, cancellationToken);
        if (found is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return View(new PositionViewModel(lon, lat, [], NotFound: true));
        }

        return RedirectToAction(nameof(Show), new { level = TerritoryLevel.Commune.Segment(), code = found.CommuneCode });
    }

    [HttpGet("sources")]
    public async Task<IActionResult> Sources([FromServices] ShowLoadReport showLoadReport, CancellationToken cancellationToken) =>
        View(await showLoadReport.ShowAsync(cancellationToken));

    private static double ParseCoordinate(string? text, double min, double max, string what, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{what} est obligatoire.");
            return 0;
        }

        // Accept both "47.32" and the French "47,32".
        if (!double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            errors.Add($"{what} « {text} » n'est pas un nombre décimal (exemple : 47,3220).");
            return 0;
        }

        if (value < min || value > max)
        {
            errors.Add($"{what} doit être comprise entre {min.ToString(CultureInfo.GetCultureInfo("fr-FR"))} et {max.ToString(CultureInfo.GetCultureInfo("fr-FR"))} degrés.");
        }

        return value;
    }
}

public sealed record RegionsViewModel(RegionList Regions, OutlineMap Map);

public sealed record TerritoryViewModel(
    TerritoryPage Page,
    OutlineMap Map,
    ActorFilter Filter,
    IReadOnlyList<string> Errors,
    TerritoryActors Actors,
    Choropleth Choropleth,
    ActorChoices Choices);

public sealed record PositionViewModel(string? Longitude, string? Latitude, IReadOnlyList<string> Errors, bool NotFound);
