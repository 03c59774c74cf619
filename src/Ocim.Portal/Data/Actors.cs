namespace Ocim.Portal.Data;

/// <summary>
/// A CSTI actor (a listing). Its territories (commune, EPCI, department, region) are set by the database from the
/// location when it is written; geometry and the search vector are generated columns outside this model.
/// </summary>
public sealed class Actor
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? Acronym { get; set; }
    public short Circle { get; set; }
    public int FamilyId { get; set; }
    public ActorFamily? Family { get; set; }
    public List<string> ActionTypes { get; set; } = [];
    public List<string> Themes { get; set; } = [];
    public List<string> Audiences { get; set; } = [];
    public string? ShortDescription { get; set; }
    public string? LongDescription { get; set; }
    public string? Address { get; set; }
    public string? PostalCode { get; set; }
    public double? Longitude { get; set; }
    public double? Latitude { get; set; }
    public bool LocationApproximate { get; set; }
    public string? CommuneCode { get; set; }

    // Written by the database trigger; read-only for the application.
    public string? EpciSiren { get; private set; }
    public string? DepartmentCode { get; private set; }
    public string? RegionCode { get; private set; }

    public string? Website { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public List<string> SocialLinks { get; set; } = [];
    public string? OfferTrainings { get; set; }
    public string? OfferTourism { get; set; }
    public string? OfferResources { get; set; }
    public string? Siret { get; set; }
    public string? Rna { get; set; }
    public string? Uai { get; set; }
    public string? Museofile { get; set; }
    public string Status { get; set; } = ActorStatus.Published;
    public required string Source { get; set; }
    public string? ExternalId { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public string? VerifiedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class ActorStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Archived = "archived";
}

/// <summary>A family (type of structure) of the curated list.</summary>
public sealed class ActorFamily
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public short DefaultCircle { get; set; }
    public int SortOrder { get; set; }
}

/// <summary>A term of a controlled vocabulary: kind is "action", "theme" or "audience".</summary>
public sealed class ActorVocabulary
{
    public required string Kind { get; set; }
    public required string Slug { get; set; }
    public required string Label { get; set; }
    public int SortOrder { get; set; }
}
