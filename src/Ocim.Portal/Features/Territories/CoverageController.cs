using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Infrastructure.Http;

namespace Ocim.Portal.Features.Territories;

/// <summary>The white zones: one page (and its CSV) per territory and for the whole of France.</summary>
[Route("territoires")]
[EnableRateLimiting(RateLimits.Heavy)]
public sealed class CoverageController(FindWhiteZones findWhiteZones, DrawOutline drawOutline, ShowTerritory showTerritory, WhiteZoneCache cache, ListActorChoices listChoices) : Controller
{
    public const int PageSize = 100;

    /// <summary>The region pages draw at most this many white communes over their departments (weight of the page).</summary>
    public const int MaxDrawnCommunes = 1500;

    [HttpGet("couverture")]
    public Task<IActionResult> National(CancellationToken cancellationToken) => ShowAsync(null, null, csv: false, cancellationToken);

    [HttpGet("couverture.csv")]
    public Task<IActionResult> NationalCsv(CancellationToken cancellationToken) => ShowAsync(null, null, csv: true, cancellationToken);

    [HttpGet("{level}/{code}/couverture")]
    public Task<IActionResult> Territory(string level, string code, CancellationToken cancellationToken) => ShowAsync(level, code, csv: false, cancellationToken);

    [HttpGet("{level}/{code}/couverture.csv")]
    public Task<IActionResult> TerritoryCsv(string level, string code, CancellationToken cancellationToken) => ShowAsync(level, code, csv: true, cancellationToken);

    private async Task<IActionResult> ShowAsync(string? levelSegment, string? code, bool csv, CancellationToken cancellationToken)
    {
        TerritoryPage? territory = null;
        if (levelSegment is not null)
        {
            if (!TerritoryLevels.TryParse(levelSegment, out var parsed) || string.IsNullOrWhiteSpace(code) || (territory = await showTerritory.FindAsync(parsed, code.ToUpperInvariant(), cancellationToken)) is null)
            {
                return NotFound();
            }
        }

        // Circles 1–2 unless the address names circles (TerritoryFilters.WithCoverageDefault); the CSV alike.
        var (filter, filterErrors) = ActorFilter.Parse(Request.Query);
        var errors = filterErrors.ToList();
        var choices = await listChoices.ListAsync(cancellationToken);
        var thematic = TerritoryFilters.KnownTermsOnly(TerritoryFilters.WithCoverageDefault(TerritoryScope.Thematic(filter), Request.Query), choices, errors);
        var distanceKm = ParseDistance(Request.Query["distance_km"].LastOrDefault(), errors);
        var page = long.TryParse(Request.Query["page"].LastOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? (int)Math.Min(p, 100_000) : 1;
        var self = territory?.Self;
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            if (csv)
            {
                return Content(string.Join("\n", errors), "text/plain; charset=utf-8");
            }

            return View("~/Features/Territories/Coverage.cshtml", new CoverageViewModel(self, territory?.Parents ?? [], thematic, distanceKm ?? FindWhiteZones.DefaultDistanceKm, errors, null, 1, new Dictionary<string, double>(), OutlineMap.Empty, null, choices));
        }

        var zones = await findWhiteZones.FindAsync(self?.Level, self?.Code, distanceKm!.Value, thematic, cancellationToken);
        if (csv)
        {
            // The CSV is the cached result as it is, distances included (FindWhiteZones.MeasuredCommunes): the
            // page's cache is its cache, and it reads nothing more from the database.
            var name = self is null ? "france" : $"{self.Level.Segment()}-{self.Code}";
            Response.ContentType = "text/csv; charset=utf-8";
            Response.Headers.ContentDisposition = FormattableString.Invariant($"attachment; filename=\"zones-blanches-{name}-{zones.DistanceKm}km.csv\"");
            await ExportWhiteZonesCsv.WriteAsync(Response.Body, zones, zones.Distances, cancellationToken);
            return new EmptyResult();
        }

        // Beyond the last page (a link shared before the actors changed): the last page, same filter and distance.
        var pageCount = Math.Max(1, (zones.White.Count + PageSize - 1) / PageSize);
        if (Shared.Pagination.Corrected(page, pageCount) is { } last)
        {
            var baseHref = self is null ? "/territoires/couverture" : self.Href + "/couverture";
            return Redirect(CoverageViewModel.Link(baseHref, thematic, zones.DistanceKm, last));
        }

        // Pages past the measured communes (the less populated ones) measure their own 100, within a bounded budget.
        var shown = zones.White.Skip((page - 1) * PageSize).Take(PageSize).Select(w => w.Code).ToList();
        var unmeasured = (page - 1) * PageSize + shown.Count > FindWhiteZones.MeasuredCommunes && zones.MatchingActors != 0
            ? shown.Where(c => !zones.Distances.ContainsKey(c)).ToList()
            : [];
        var distances = unmeasured.Count == 0
            ? zones.Distances
            : new[] { zones.Distances, await findWhiteZones.NearestDistancesAsync(unmeasured, thematic, FindWhiteZones.CandidatesFor(unmeasured.Count), cancellationToken) }
                .SelectMany(d => d).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var (map, classes) = await MapAsync(self, zones, cancellationToken);
        return View("~/Features/Territories/Coverage.cshtml", new CoverageViewModel(self, territory?.Parents ?? [], thematic, zones.DistanceKm, [], zones, page, distances, map, classes, choices));
    }

    /// <summary>France: departments shaded by their population's share in white zones; a region: its departments with the white communes over them; below: every commune.</summary>
    private async Task<(OutlineMap Map, IReadOnlyDictionary<string, string> Classes)> MapAsync(TerritoryRef? self, WhiteZones zones, CancellationToken cancellationToken)
    {
        var white = zones.White.Select(w => w.Code).ToHashSet(StringComparer.Ordinal);
        if (self is null)
        {
            var departments = await cache.DepartmentsMapAsync(() => drawOutline.DrawDepartmentsAsync(cancellationToken));
            return (departments, zones.Departments.ToDictionary(d => d.Code, d => ShareClass(d.Share), StringComparer.Ordinal));
        }

        var map = await drawOutline.DrawAsync(self.Level, self.Code, cancellationToken);
        if (self.Level == TerritoryLevel.Region)
        {
            var drawn = zones.White.Take(MaxDrawnCommunes).Select(w => w.Code).ToList();
            var communes = await drawOutline.DrawRegionCommunesAsync(self.Code, drawn, cancellationToken);
            map = map with { Shapes = [.. map.Shapes, .. communes] };
        }

        return (map, white.ToDictionary(c => c, _ => "white-zone", StringComparer.Ordinal));
    }

    /// <summary>Five classes of the share of population in white zones (the legend of the nationwide map says them in words).</summary>
    internal static string ShareClass(double share) => share switch
    {
        <= 0 => "share-0",
        < 0.01 => "share-1",
        < 0.05 => "share-2",
        < 0.2 => "share-3",
        _ => "share-4",
    };

    private static int? ParseDistance(string? text, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return FindWhiteZones.DefaultDistanceKm;
        }

        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var km) && km is >= FindWhiteZones.MinDistanceKm and <= FindWhiteZones.MaxDistanceKm)
        {
            return km;
        }

        errors.Add(FormattableString.Invariant($"La distance doit être un nombre entier de kilomètres compris entre {FindWhiteZones.MinDistanceKm} et {FindWhiteZones.MaxDistanceKm} (par exemple 10)."));
        return null;
    }
}

public sealed record CoverageViewModel(
    TerritoryRef? Self,
    IReadOnlyList<TerritoryRef> Parents,
    ActorFilter Filter,
    int DistanceKm,
    IReadOnlyList<string> Errors,
    WhiteZones? Zones,
    int Page,
    IReadOnlyDictionary<string, double> Distances,
    OutlineMap Map,
    IReadOnlyDictionary<string, string>? Classes,
    ActorChoices Choices)
{
    public string BaseHref => Self is null ? "/territoires/couverture" : Self.Href + "/couverture";

    public int PageCount => Zones is null ? 1 : Math.Max(1, (Zones.White.Count + CoverageController.PageSize - 1) / CoverageController.PageSize);

    /// <summary>A page of this list (or its CSV: path ending in .csv) with the filter and the distance.</summary>
    public string Link(string path, int? page = null) => Link(path, Filter, DistanceKm, page);

    /// <summary>The address of a white-zone page: the filter's keys (its circles always explicit), the distance, the page.</summary>
    public static string Link(string path, ActorFilter filter, int distanceKm, int? page = null)
    {
        var extra = new List<(string, string)> { ("distance_km", distanceKm.ToString(CultureInfo.InvariantCulture)) };
        if (page is > 1)
        {
            extra.Add(("page", page.Value.ToString(CultureInfo.InvariantCulture)));
        }

        return path + filter.ToQueryString([.. extra]);
    }
}
