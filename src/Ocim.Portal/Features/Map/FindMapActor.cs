using Dapper;
using Npgsql;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Map;

/// <summary>What the map's popup shows of an actor: public fields only, of a published actor.</summary>
public sealed record MapActor(
    long Id, string Name, string? Acronym, string Family, string FamilySlug, int Circle, string CircleLabel,
    string? Commune, string? DepartmentCode, string? Address, string? PostalCode, string? Website, string Url,
    double? Longitude, double? Latitude);

/// <summary>Reads one published actor for the map's popup (GET /carte/acteurs/{id}); null when unknown or not published.</summary>
public sealed class FindMapActor(NpgsqlDataSource dataSource)
{
    private sealed record Row(
        long Id, string Name, string? Acronym, string Family, string FamilySlug, short Circle,
        string? Commune, string? DepartmentCode, string? Address, string? PostalCode, string? Website,
        double? Longitude, double? Latitude);

    public async Task<MapActor?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            select a.id, a.name, a.acronym, f.name as family, f.slug as family_slug, a.circle,
                   c.name as commune, a.department_code, a.address, a.postal_code, a.website,
                   a.longitude, a.latitude
            from actor a
            join actor_family f on f.id = a.family_id
            left join commune c on c.code = a.commune_code
            where a.id = @id and a.status = 'published'
            """, new { id }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new MapActor(row.Id, row.Name, row.Acronym, row.Family, row.FamilySlug, row.Circle, ActorLinks.CircleShortLabel(row.Circle),
                row.Commune, row.DepartmentCode, row.Address, row.PostalCode, SafeWebsite(row.Website), ActorLinks.Href(row.Id, row.Name),
                row.Longitude, row.Latitude);
    }

    /// <summary>Only http(s) addresses become links in the popup.</summary>
    private static string? SafeWebsite(string? website) =>
        Uri.TryCreate(website?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
}
