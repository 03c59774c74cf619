using System.Text;
using Dapper;

namespace Ocim.Portal.Features.Actors;

/// <summary>Dimensions a query leaves out of the filter (facet counts, so that their own options stay visible).</summary>
[Flags]
public enum ActorFilterDimension
{
    None = 0,
    Circle = 1,
    Family = 2,
}

/// <summary>
/// The SQL translation of an <see cref="ActorFilter"/>: a WHERE condition over the actor table aliased <c>a</c>,
/// built only from constant fragments, with every value passed as a parameter.
/// </summary>
public sealed class ActorFilterSql
{
    // Lambert-93 distorts distances by less than 0.3 % over metropolitan France: the box of a slightly wider radius
    // in Lambert-93 uses the spatial index, then the exact test on the spheroid decides.
    private const double Lambert93Slack = 1.01;

    private ActorFilterSql(string where, DynamicParameters parameters, string? centre, string? textQuery)
    {
        Where = where;
        Parameters = parameters;
        Centre = centre;
        TextQuery = textQuery;
    }

    /// <summary>The condition, never empty ("true" when nothing filters).</summary>
    public string Where { get; }

    public DynamicParameters Parameters { get; }

    /// <summary>An SQL expression of the reference point (geometry, SRID 4326), or null when the filter has none.</summary>
    public string? Centre { get; }

    /// <summary>The tsquery expression of the text search, or null.</summary>
    public string? TextQuery { get; }

    /// <summary>Distance in metres on the spheroid from the reference point, or null.</summary>
    public string? DistanceMetres => Centre is null ? null : $"st_distance(a.geom::geography, ({Centre})::geography)";

    /// <summary>Relevance of the text search (full text rank plus name similarity), or null.</summary>
    public string? Relevance => TextQuery is null
        ? null
        : $"(ts_rank_cd(a.search, {TextQuery}) + word_similarity(portal_normalise(@text), a.search_name))";

    public static ActorFilterSql For(ActorFilter filter, ActorFilterDimension except = ActorFilterDimension.None)
    {
        var conditions = new List<string> { "a.status = any(@statuses)" };
        var parameters = new DynamicParameters();
        parameters.Add("statuses", filter.Statuses.ToArray());

        string? textQuery = null;
        if (filter.Text is not null)
        {
            // Every word must be found (accents and case ignored, French stemming); a word of four letters or more
            // may instead be close to a word of the name or acronym, so that typos still find ("munisipale").
            // Stop words ("de", "la") count as found. The whole text ranks the results (Relevance).
            textQuery = "websearch_to_tsquery('french_unaccent', @text)";
            parameters.Add("text", filter.Text);
            var words = Words(filter.Text);
            if (words.Count == 0)
            {
                // No letter or digit (« % », « _ », « ? »): nothing for the full-text search, which would then match
                // everything. The text is looked for in the name as it is, literally (strpos: no LIKE wildcards).
                conditions.Add("strpos(lower(a.name || ' ' || coalesce(a.acronym, '')), lower(@text)) > 0");
            }

            for (var i = 0; i < words.Count; i++)
            {
                var word = $"@word{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                parameters.Add(word[1..], words[i]);
                // A word of the name of the actor's commune counts as found too (« musée Dijon » with lieu=texte,
                // « saint denis »): the place index holds each commune's words (016_places.sql).
                // Every branch of the OR can use an index (the full text, the stored name key's trigrams, the
                // commune codes as an array computed once), so that PostgreSQL combines bitmaps instead of testing
                // each actor (a sub-plan in the OR made it a filter read row by row); the stop-word test is
                // immutable and folds to a constant when the statement is planned (docs/decisions/0029).
                var inCommune = $"a.commune_code = any(array(select p.code from place p where p.kind = 'commune' and p.key_words @> array[place_key({word})]))";
                conditions.Add(words[i].Length >= 4
                    ? $"(a.search @@ plainto_tsquery('french_unaccent', {word}) or portal_normalise({word}) <% a.search_name or {inCommune})"
                    : $"(numnode(plainto_tsquery('french_unaccent', {word})) = 0 or a.search @@ plainto_tsquery('french_unaccent', {word}) or {inCommune})");
            }
        }

        if (filter.Circles.Count > 0 && !except.HasFlag(ActorFilterDimension.Circle))
        {
            conditions.Add("a.circle = any(@circles)");
            parameters.Add("circles", filter.Circles.Select(c => (short)c).ToArray());
        }

        if (filter.Families.Count > 0 && !except.HasFlag(ActorFilterDimension.Family))
        {
            conditions.Add("a.family_id in (select f.id from actor_family f where f.slug = any(@families))");
            parameters.Add("families", filter.Families.ToArray());
        }

        // Within a vocabulary, any of the chosen terms; across filters, all of them.
        if (filter.ActionTypes.Count > 0)
        {
            conditions.Add("a.action_types && @action_types");
            parameters.Add("action_types", filter.ActionTypes.ToArray());
        }

        if (filter.Themes.Count > 0)
        {
            conditions.Add("a.themes && @themes");
            parameters.Add("themes", filter.Themes.ToArray());
        }

        if (filter.Audiences.Count > 0)
        {
            conditions.Add("a.audiences && @audiences");
            parameters.Add("audiences", filter.Audiences.ToArray());
        }

        // Territories were resolved when each location was written: plain code comparisons.
        if (filter.Region is not null)
        {
            conditions.Add("a.region_code = @region");
            parameters.Add("region", filter.Region);
        }

        if (filter.Department is not null)
        {
            conditions.Add("a.department_code = @department");
            parameters.Add("department", filter.Department);
        }

        if (filter.Epci is not null)
        {
            conditions.Add("a.epci_siren = @epci");
            parameters.Add("epci", filter.Epci);
        }

        if (filter.Commune is not null)
        {
            conditions.Add("a.commune_code = @commune");
            parameters.Add("commune", filter.Commune);
        }

        string? centre = null;
        if (filter.NearCommune is not null)
        {
            centre = "(select c.centre from commune c where c.code = @near_commune)";
            parameters.Add("near_commune", filter.NearCommune);
        }
        else if (filter.NearLongitude is { } longitude && filter.NearLatitude is { } latitude)
        {
            centre = "st_setsrid(st_makepoint(@near_lon, @near_lat), 4326)";
            parameters.Add("near_lon", longitude);
            parameters.Add("near_lat", latitude);
        }

        if (centre is not null && filter.RadiusKm is { } radiusKm)
        {
            parameters.Add("radius_m", radiusKm * 1000);
            parameters.Add("radius_l93", radiusKm * 1000 * Lambert93Slack);
            if (IsMetropolitan(filter))
            {
                // The box around the circle, as the bounding-box operator: PostgreSQL estimates it from the column's
                // statistics, where st_dwithin's own guess was 100 rows out of a million (docs/decisions/0029).
                conditions.Add($"a.geom_l93 && st_expand(st_transform({centre}, 2154), @radius_l93)");
            }
            else
            {
                // Overseas, Lambert-93 does not hold: narrow to the overseas regions, then measure on the spheroid.
                conditions.Add("a.region_code < '11'");
            }

            // The exact test on the spheroid, written as a distance: st_dwithin on a geography cast has no statistics
            // and PostGIS guessed about one row for it, so that a 500 km radius sorted a million actors by distance
            // instead of walking the nearest (a French 503 at 1M actors); a plain comparison gets a default share.
            conditions.Add($"st_distance(a.geom::geography, ({centre})::geography) <= @radius_m");
        }

        if (filter.Bbox is { } box)
        {
            // The bounding-box operator alone: it uses the GIST index, and for points it is exact (edges included).
            conditions.Add("a.geom && st_makeenvelope(@bbox_west, @bbox_south, @bbox_east, @bbox_north, 4326)");
            parameters.Add("bbox_west", box.West);
            parameters.Add("bbox_south", box.South);
            parameters.Add("bbox_east", box.East);
            parameters.Add("bbox_north", box.North);
        }

        var where = new StringBuilder();
        foreach (var condition in conditions)
        {
            where.Append(where.Length == 0 ? string.Empty : "\n  and ").Append(condition);
        }

        return new ActorFilterSql(where.ToString(), parameters, centre, textQuery);
    }

    /// <summary>
    /// The statement that counts the filter's actors per (circle, family) with the circle and family conditions left
    /// out (the list's total and both facets derive from these cells). A filter of territory (region, department),
    /// circle and family only reads the counts kept by triggers in actor_count (004_actor_counts.sql); any other
    /// filter groups the matching actors.
    /// </summary>
    /// <remarks>
    /// A filter that groups matching actors counts <paramref name="cap"/> of them at most (the cells then add up to
    /// the cap: the caller says « plus de … »): a common word or a box over France would otherwise read every actor.
    /// </remarks>
    public static (string Sql, DynamicParameters Parameters) CountCells(ActorFilter filter, int cap = int.MaxValue)
    {
        if (!ReadsCounts(filter))
        {
            var scan = For(filter, ActorFilterDimension.Circle | ActorFilterDimension.Family);
            scan.Parameters.Add("count_cap", cap);
            return ($"""
                select a.circle, f.slug, f.name, f.sort_order, count(*) as count
                from (select a.circle, a.family_id from actor a where {scan.Where} limit @count_cap) a
                join actor_family f on f.id = a.family_id
                group by a.circle, f.slug, f.name, f.sort_order
                """, scan.Parameters);
        }

        var conditions = new List<string> { "c.status = any(@statuses)", "c.actors <> 0" };
        var parameters = new DynamicParameters();
        parameters.Add("statuses", filter.Statuses.ToArray());
        if (filter.Department is not null)
        {
            conditions.Add("c.department_code = @department");
            parameters.Add("department", filter.Department);
        }

        if (filter.Region is not null)
        {
            conditions.Add("c.department_code in (select d.code from department d where d.region_code = @region)");
            parameters.Add("region", filter.Region);
        }

        return ($"""
            select c.circle, f.slug, f.name, f.sort_order, sum(c.actors)::bigint as count
            from actor_count c join actor_family f on f.id = c.family_id
            where {string.Join(" and ", conditions)}
            group by c.circle, f.slug, f.name, f.sort_order
            having sum(c.actors) > 0
            """, parameters);
    }

    /// <summary>Whether <see cref="CountCells"/> reads the counts kept by triggers (exact, whatever their size).</summary>
    public static bool ReadsCounts(ActorFilter filter) =>
        filter.Text is null && filter.ActionTypes.Count == 0 && filter.Themes.Count == 0 && filter.Audiences.Count == 0
            && filter.Epci is null && filter.Commune is null && !filter.HasCentre && filter.Bbox is null;

    /// <summary>The distinct words of a search text (letters and digits), at most eight.</summary>
    internal static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                var word = current.ToString();
                current.Clear();
                if (!words.Contains(word, StringComparer.OrdinalIgnoreCase) && words.Count < 8)
                {
                    words.Add(word);
                }
            }
        }

        return words;
    }

    /// <summary>Whether the reference point is in metropolitan France (where Lambert-93 is valid).</summary>
    private static bool IsMetropolitan(ActorFilter filter) =>
        filter.NearCommune is not null
            ? !filter.NearCommune.StartsWith("97", StringComparison.Ordinal)
            : filter.NearLatitude is >= 41 and <= 51.5 && filter.NearLongitude is >= -5.5 and <= 10;
}
