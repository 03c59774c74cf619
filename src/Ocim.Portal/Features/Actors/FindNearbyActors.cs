using System.Globalization;
using Dapper;
using Npgsql;
using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Actors;

/// <summary>
/// A published listing near another one, with its distance on the spheroid. <paramref name="LocationApproximate"/>:
/// its point is its commune's centre (no located address).
/// </summary>
public sealed record NearbyActor(
    long Id, string Name, string FamilyName, string? CommuneName, double DistanceMetres, string? CommuneCode = null, bool LocationApproximate = false)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public string Href => ActorLinks.Href(Id, Name);

    /// <summary>« 850 m », « 2,4 km », « 37 km », « 1 204 km ».</summary>
    public string Distance => DistanceMetres switch
    {
        < 1000 => $"{(Math.Round(DistanceMetres / 10) * 10).ToString("N0", French)} m",
        < 10_000 => $"{(DistanceMetres / 1000).ToString("N1", French)} km",
        _ => $"{(DistanceMetres / 1000).ToString("N0", French)} km",
    };

    /// <summary>
    /// The distance as the listing page shows it from <paramref name="self"/>. When either point is only a commune's
    /// centre, a distance in metres would be made up: two listings of one commune are « même commune » (never « 0 m »),
    /// others get the distance between the points and « position approchée ».
    /// </summary>
    public string DistanceFrom(ActorDetail self)
    {
        var approximate = LocationApproximate || self.LocationApproximate;
        if (approximate && CommuneCode is not null && CommuneCode == self.CommuneCode)
        {
            return "même commune";
        }

        if (approximate)
        {
            return $"{Distance}, position approchée (centre de la commune)";
        }

        return DistanceMetres < 5 ? "même adresse" : Distance;
    }
}

/// <summary>
/// The published listings nearest to one listing. The index does the search (KNN, <c>&lt;-&gt;</c>) in Lambert-93 in
/// metropolitan France, in degrees overseas where Lambert-93 does not hold; the candidates are then ranked by their
/// true distance on the spheroid, which is also the distance shown.
/// </summary>
public sealed class FindNearbyActors(NpgsqlDataSource dataSource)
{
    public const int Count = 8;

    // The KNN candidates are a few more than shown, so that the exact ranking can reorder the last ones. The
    // reference point is a scalar subquery, not a join with the CTE: only a constant-like operand lets the GIST index
    // drive the ORDER BY (a join made PostgreSQL read and sort every actor: 1.4 s at a million).
    private const string Metropolitan = """
        with self as (select geom, geom_l93 from actor where id = @id),
        candidates as (
            select a.id, a.name, a.family_id, a.commune_code, a.location_approximate, a.geom
            from actor a
            where a.status = @published and a.id <> @id and a.geom_l93 is not null
            order by a.geom_l93 <-> (select geom_l93 from actor where id = @id)
            limit @candidates)
        select n.id, n.name, f.name as family_name, c.name as commune_name,
               st_distance(n.geom::geography, self.geom::geography) as distance_metres,
               n.commune_code, n.location_approximate
        from candidates n
        cross join self
        join actor_family f on f.id = n.family_id
        left join commune c on c.code = n.commune_code
        order by distance_metres, n.id
        limit @count
        """;

    private const string Overseas = """
        with self as (select geom from actor where id = @id),
        candidates as (
            select a.id, a.name, a.family_id, a.commune_code, a.location_approximate, a.geom
            from actor a
            where a.status = @published and a.id <> @id and a.geom is not null
            order by a.geom <-> (select geom from actor where id = @id)
            limit @candidates)
        select n.id, n.name, f.name as family_name, c.name as commune_name,
               st_distance(n.geom::geography, self.geom::geography) as distance_metres,
               n.commune_code, n.location_approximate
        from candidates n
        cross join self
        join actor_family f on f.id = n.family_id
        left join commune c on c.code = n.commune_code
        order by distance_metres, n.id
        limit @count
        """;

    public async Task<IReadOnlyList<NearbyActor>> FindAsync(ActorDetail actor, CancellationToken cancellationToken)
    {
        if (!actor.HasLocation)
        {
            return [];
        }

        // Overseas regions have codes below 11 (01 Guadeloupe … 06 Mayotte).
        var sql = actor.RegionCode is not null && string.CompareOrdinal(actor.RegionCode, "11") < 0 ? Overseas : Metropolitan;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NearbyActor>(new CommandDefinition(
            sql,
            new { id = actor.Id, published = ActorStatus.Published, candidates = Count * 2, count = Count },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
