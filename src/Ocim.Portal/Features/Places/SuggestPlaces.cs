using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Places;

/// <summary>
/// One place as the suggestions, the results page and the place box give it. The JSON shape is shared with the map
/// (wwwroot/js/place-search.js sends it in its « place:select » event): keep the names.
/// </summary>
public sealed record PlaceSuggestion(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("context")] string? Context,
    [property: JsonPropertyName("lon")] double? Lon,
    [property: JsonPropertyName("lat")] double? Lat,
    [property: JsonPropertyName("bbox")] double[]? Bbox,
    [property: JsonPropertyName("population")] int? Population)
{
    /// <summary>The French name of the kind, as shown beside the label (not part of the JSON).</summary>
    [JsonIgnore]
    public string KindLabel => PlaceKinds.Label(Kind);
}

public static class PlaceKinds
{
    public const string Commune = "commune";
    public const string Department = "departement";
    public const string Region = "region";
    public const string Epci = "epci";

    public static string Label(string kind) => kind switch
    {
        Commune => "commune",
        Department => "département",
        Region => "région",
        _ => "intercommunalité",
    };
}

/// <summary>
/// Places whose name starts with what was typed (then has a word that does), or whose postal code, department number or SIREN
/// it is: exact matches first, then by population, so that « dij » gives Dijon and « st denis » both Saint-Denis.
/// A trailing department number narrows homonyms (« saint denis 93 »). Names with a typo fall back to trigram
/// similarity. Each step is bounded by its own index and limit (016_places.sql), and the later steps run only when
/// the earlier ones found fewer than ten places, so any query stays cheap.
/// </summary>
public sealed partial class SuggestPlaces(NpgsqlDataSource dataSource)
{
    public const int MaxLength = 100;
    public const int MaxResults = 10;

    /// <summary>Why a query is refused, in French, or null when it may be asked.</summary>
    public static string? Refusal(string? query) => query switch
    {
        null or "" => "Indiquez un lieu : une commune, un code postal, un département ou une région.",
        { Length: > MaxLength } => $"Le lieu cherché est limité à {MaxLength} caractères.",
        _ when query.Any(char.IsControl) => "Le lieu cherché contient des caractères de contrôle.",
        _ when string.IsNullOrWhiteSpace(query) || PlaceKey.Words(query).Count == 0 => "Indiquez un lieu : une commune, un code postal, un département ou une région.",
        _ => null,
    };

    public async Task<IReadOnlyList<PlaceSuggestion>> SuggestAsync(string query, int limit, string? kind, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxResults);
        var words = PlaceKey.Words(query).Select(w => w.Key).ToList();
        string? department = null;
        if (words.Count > 1 && DepartmentCode().IsMatch(words[^1]))
        {
            department = words[^1].ToUpperInvariant();
            words.RemoveAt(words.Count - 1);
        }

        var key = string.Join(' ', words);
        var parameters = new DynamicParameters(new { key, prefix = key + "%", limit, department, kind });
        string sql;
        if (Digits().IsMatch(key) || DepartmentCode().IsMatch(key))
        {
            // A department number, a postal code (or its start), an INSEE code, a SIREN.
            var upper = key.ToUpperInvariant();
            var postalDepartment = upper.StartsWith("20", StringComparison.Ordinal) ? null
                : upper.StartsWith("97", StringComparison.Ordinal) && upper.Length >= 3 ? upper[..3]
                : upper.Length >= 2 ? upper[..2] : null;
            parameters.Add("upper", upper);
            parameters.Add("postal_department", postalDepartment);
            sql = """
                (select p.*, 0 as tier from place p
                 where (p.kind = 'departement' and p.code = @upper) or (p.kind = 'epci' and p.code = @upper)
                    or (p.kind = 'commune' and (p.code = @upper or p.postal_codes @> array[@upper])))
                union all
                (select p.*, 1 from place p
                 where length(@upper) between 2 and 4 and p.kind = 'commune' and (@kind::text is null or @kind = 'commune')
                   and (p.department_code = @postal_department or (@postal_department is null and p.department_code in ('2A', '2B')))
                   and exists (select 1 from unnest(p.postal_codes) c where c like @upper || '%')
                 order by p.population desc nulls last limit @limit)
                """;
        }
        else
        {
            // Exact names, then the most populous names that start so (found in the covering index alone).
            sql = """
                (select p.*, 0 as tier from place p
                 where (p.key = @key or p.alias_key = @key) and (@department::text is null or p.department_code = @department))
                union all
                (select p.*, 1 from place p
                 where (p.kind, p.code) in (
                     select kind, code from place
                     where key like @prefix and key <> @key and (@department::text is null or department_code = @department)
                       and (@kind::text is null or kind = @kind)
                     order by population desc nulls last limit @limit))
                union all
                (select p.*, 1 from place p
                 where p.alias_key like @prefix and p.alias_key <> @key and p.key not like @prefix
                   and (@department::text is null or p.department_code = @department) and (@kind::text is null or p.kind = @kind)
                 order by p.population desc nulls last limit @limit)
                """;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PlaceRow>(new CommandDefinition($"""
            select kind, code, name, label, context, lon, lat, bbox, population
            from ({sql}) hits
            where @kind::text is null or kind = @kind
            order by tier, kind = 'epci', population desc nulls last, case kind when 'commune' then 0 when 'departement' then 1 when 'region' then 2 else 3 end, label
            limit @limit
            """, parameters, cancellationToken: cancellationToken))).ToList();

        if (rows.Count < limit && key.Length >= 3 && !Digits().IsMatch(key))
        {
            // Then names where a later word starts so (« denis » → Saint-Denis), by trigram index.
            parameters.Add("word_infix", "% " + key + "%");
            rows.AddRange((await connection.QueryAsync<PlaceRow>(new CommandDefinition("""
                select kind, code, name, label, context, lon, lat, bbox, population
                from place p
                where p.key like @word_infix and not (p.key like @prefix or coalesce(p.alias_key, '') like @prefix)
                  and (@department::text is null or p.department_code = @department) and (@kind::text is null or p.kind = @kind)
                order by p.population desc nulls last
                limit @limit
                """, parameters, cancellationToken: cancellationToken))).Take(limit - rows.Count));
        }

        if (rows.Count < 3 && key.Length >= 3 && !Digits().IsMatch(key))
        {
            // Few or no names start so: perhaps a typo (« dijonn », « rennnes »), by trigram similarity.
            var found = rows.Select(r => (r.Kind, r.Code)).ToHashSet();
            rows.AddRange((await connection.QueryAsync<PlaceRow>(new CommandDefinition("""
                select kind, code, name, label, context, lon, lat, bbox, population
                from place p
                where p.key % @key and (@department::text is null or p.department_code = @department) and (@kind::text is null or p.kind = @kind)
                order by similarity(p.key, @key) desc, p.population desc nulls last
                limit @limit
                """, parameters, cancellationToken: cancellationToken))).Where(r => !found.Contains((r.Kind, r.Code))).Take(limit - rows.Count));
        }

        return [.. rows.Select(r => r.ToSuggestion())];
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex Digits();

    [GeneratedRegex("^([0-9]{2}|2a|2b|2A|2B|97[1-6])$")]
    private static partial Regex DepartmentCode();
}

/// <summary>A row of the place table, as every place query reads it (a class: Dapper maps arrays to properties, not to constructor arguments).</summary>
internal class PlaceRow
{
    public string Kind { get; set; } = string.Empty;
    public string Code { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Label { get; set; } = string.Empty;
    public string? Context { get; set; }
    public double? Lon { get; set; }
    public double? Lat { get; set; }
    public double[]? Bbox { get; set; }
    public int? Population { get; set; }

    public PlaceSuggestion ToSuggestion() => new(Kind, Code, Name, Label, Context,
        Lon is { } lon ? Math.Round(lon, 5) : null, Lat is { } lat ? Math.Round(lat, 5) : null,
        Bbox?.Select(v => Math.Round(v, 5)).ToArray(), Population);
}
