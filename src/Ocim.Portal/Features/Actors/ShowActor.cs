using Dapper;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Territories;

namespace Ocim.Portal.Features.Actors;

/// <summary>One published listing, as its page shows it. Vocabularies are already turned into their French labels.</summary>
public sealed class ActorDetail
{
    public long Id { get; init; }
    public string Name { get; init; } = string.Empty;
    public string? Acronym { get; init; }
    public short Circle { get; init; }
    public string FamilySlug { get; init; } = string.Empty;
    public string FamilyName { get; init; } = string.Empty;
    public string[] ActionTypes { get; init; } = [];
    public string[] Themes { get; init; } = [];
    public string[] Audiences { get; init; } = [];
    public string? ShortDescription { get; init; }
    public string? LongDescription { get; init; }
    public string? Address { get; init; }
    public string? PostalCode { get; init; }
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public bool LocationApproximate { get; init; }

    /// <summary>The point in Web Mercator, as the small map draws it.</summary>
    public double? MercatorX { get; init; }
    public double? MercatorY { get; init; }

    public string? CommuneCode { get; init; }
    public string? CommuneName { get; init; }
    public string? EpciSiren { get; init; }
    public string? EpciName { get; init; }
    public string? DepartmentCode { get; init; }
    public string? DepartmentName { get; init; }
    public string? RegionCode { get; init; }
    public string? RegionName { get; init; }
    public string? Website { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string[] SocialLinks { get; init; } = [];
    public string? OfferTrainings { get; init; }
    public string? OfferTourism { get; init; }
    public string? OfferResources { get; init; }
    public string? Siret { get; init; }
    public string? Rna { get; init; }
    public string? Uai { get; init; }
    public string? Museofile { get; init; }
    public string Source { get; init; } = string.Empty;
    public DateTime? VerifiedAt { get; init; }
    public string? VerifiedBy { get; init; }
    public DateTime UpdatedAt { get; init; }

    public string Href => ActorLinks.Href(Id, Name);

    public bool HasLocation => Longitude is not null && Latitude is not null;

    /// <summary>The territories the listing lies in, from the largest to the smallest.</summary>
    public IReadOnlyList<TerritoryRef> Territories
    {
        get
        {
            var list = new List<TerritoryRef>();
            if (RegionCode is not null && RegionName is not null)
            {
                list.Add(new TerritoryRef(TerritoryLevel.Region, RegionCode, RegionName));
            }

            if (DepartmentCode is not null && DepartmentName is not null)
            {
                list.Add(new TerritoryRef(TerritoryLevel.Department, DepartmentCode, DepartmentName));
            }

            if (EpciSiren is not null && EpciName is not null)
            {
                list.Add(new TerritoryRef(TerritoryLevel.Epci, EpciSiren, EpciName));
            }

            if (CommuneCode is not null && CommuneName is not null)
            {
                list.Add(new TerritoryRef(TerritoryLevel.Commune, CommuneCode, CommuneName));
            }

            return list;
        }
    }
}

/// <summary>Reads one published listing; null when the id is unknown or the listing is a draft or archived.</summary>
public sealed class ShowActor(NpgsqlDataSource dataSource)
{
    // Vocabulary slugs become labels (actor_vocabulary_labels, 005_vocabulary_labels.sql).
    private const string Sql = """
        select a.id, a.name, a.acronym, a.circle, f.slug as family_slug, f.name as family_name,
               actor_vocabulary_labels('action', a.action_types) as action_types,
               actor_vocabulary_labels('theme', a.themes) as themes,
               actor_vocabulary_labels('audience', a.audiences) as audiences,
               a.short_description, a.long_description, a.address, a.postal_code,
               a.longitude, a.latitude, a.location_approximate,
               st_x(a.geom_3857) as mercator_x, st_y(a.geom_3857) as mercator_y,
               a.commune_code, c.name as commune_name, a.epci_siren, e.name as epci_name,
               a.department_code, d.name as department_name, a.region_code, r.name as region_name,
               a.website, a.email, a.phone, a.social_links, a.offer_trainings, a.offer_tourism, a.offer_resources,
               a.siret, a.rna, a.uai, a.museofile, a.source, a.verified_at, a.verified_by, a.updated_at
        from actor a
        join actor_family f on f.id = a.family_id
        left join commune c on c.code = a.commune_code
        left join epci e on e.siren = a.epci_siren
        left join department d on d.code = a.department_code
        left join region r on r.code = a.region_code
        where a.id = @id and a.status = @published
        """;

    public async Task<ActorDetail?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ActorDetail>(new CommandDefinition(
            Sql, new { id, published = ActorStatus.Published }, cancellationToken: cancellationToken));
    }
}

/// <summary>
/// The schema.org description of a listing (JSON-LD), for search engines and data users. The type follows the family;
/// types that are not places carry the point in a <c>location</c> place, since <c>geo</c> belongs to places.
/// </summary>
public static class ActorJsonLd
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new()
    {
        // Readable accents, while everything HTML-sensitive (<, >, &, quotes) stays escaped as \u003C and so on: the
        // text goes inside a <script> element, where "</script>" or "<!--" in a name must not end or alter it.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static string TypeOf(string familySlug) => familySlug switch
    {
        "musee" or "museum" or "planetarium" => "Museum",
        "jardin-botanique" or "jardin-remarquable" => "Park",
        "site-patrimonial" => "LandmarksOrHistoricalBuildings",
        "association" => "NGO",
        "organisme-de-recherche" => "ResearchOrganization",
        "universite" or "ecole-superieure" => "CollegeOrUniversity",
        "etablissement-scolaire" => "School",
        "bibliotheque" => "Library",
        "entreprise" => "Corporation",
        "collectivite" => "GovernmentOrganization",
        _ => "Organization",
    };

    private static bool IsPlace(string type) =>
        type is "Museum" or "Park" or "LandmarksOrHistoricalBuildings" or "CollegeOrUniversity" or "School" or "Library";

    /// <summary>The JSON text, safe to place verbatim between &lt;script type="application/ld+json"&gt; tags.</summary>
    public static string For(ActorDetail actor, string pageUrl)
    {
        var type = TypeOf(actor.FamilySlug);
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = type,
            ["@id"] = pageUrl,
            ["name"] = actor.Name,
            ["url"] = actor.Website ?? pageUrl,
            ["mainEntityOfPage"] = pageUrl,
        };
        if (actor.Acronym is not null)
        {
            json["alternateName"] = actor.Acronym;
        }

        if (actor.ShortDescription is not null)
        {
            json["description"] = actor.ShortDescription;
        }

        if (actor.Address is not null || actor.PostalCode is not null || actor.CommuneName is not null)
        {
            var address = new System.Text.Json.Nodes.JsonObject { ["@type"] = "PostalAddress" };
            AddIfPresent(address, "streetAddress", actor.Address);
            AddIfPresent(address, "postalCode", actor.PostalCode);
            AddIfPresent(address, "addressLocality", actor.CommuneName);
            AddIfPresent(address, "addressRegion", actor.RegionName);
            address["addressCountry"] = "FR";
            json["address"] = address;
        }

        if (actor.Latitude is { } latitude && actor.Longitude is { } longitude)
        {
            var geo = new System.Text.Json.Nodes.JsonObject
            {
                ["@type"] = "GeoCoordinates",
                ["latitude"] = Math.Round(latitude, 6),
                ["longitude"] = Math.Round(longitude, 6),
            };
            if (IsPlace(type))
            {
                json["geo"] = geo;
            }
            else
            {
                json["location"] = new System.Text.Json.Nodes.JsonObject { ["@type"] = "Place", ["geo"] = geo };
            }
        }

        AddIfPresent(json, "email", actor.Email);
        AddIfPresent(json, "telephone", actor.Phone);
        var sameAs = actor.SocialLinks.Where(SafeLink).ToList();
        if (sameAs.Count > 0)
        {
            json["sameAs"] = new System.Text.Json.Nodes.JsonArray(sameAs.Select(s => (System.Text.Json.Nodes.JsonNode?)s).ToArray());
        }

        var text = json.ToJsonString(Options);
        // The encoder already writes these as \u003C…; this stays true even if someone relaxes the encoder above.
        return text.Replace("<", "\\u003C", StringComparison.Ordinal)
            .Replace(">", "\\u003E", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal);
    }

    /// <summary>Social links are free text in the database: only http(s) addresses are worth publishing.</summary>
    public static bool SafeLink(string link) =>
        link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    private static void AddIfPresent(System.Text.Json.Nodes.JsonObject json, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            json[key] = value;
        }
    }
}
