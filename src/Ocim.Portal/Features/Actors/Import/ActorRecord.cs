namespace Ocim.Portal.Features.Actors.Import;

/// <summary>
/// One listing as an import brings it, before it is written: what a CSV row or a source-specific reader (the real
/// open-data lists) produces. <see cref="ExternalId"/> within <see cref="Source"/> identifies it across re-imports.
/// Location: longitude and latitude when known; otherwise the commune's INSEE code (the listing then gets the
/// commune's centre, flagged approximate); otherwise no location.
/// </summary>
public sealed record ActorRecord
{
    /// <summary>Line of the source file (1 = header), for error reports.</summary>
    public int Line { get; init; }

    public required string Source { get; init; }
    public required string ExternalId { get; init; }
    public required string Name { get; init; }
    public string? Acronym { get; init; }
    public required int Circle { get; init; }
    public required string FamilySlug { get; init; }
    public IReadOnlyList<string> ActionTypes { get; init; } = [];
    public IReadOnlyList<string> Themes { get; init; } = [];
    public IReadOnlyList<string> Audiences { get; init; } = [];
    public string? ShortDescription { get; init; }
    public string? LongDescription { get; init; }
    public string? Address { get; init; }
    public string? PostalCode { get; init; }
    public string? CommuneCode { get; init; }
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public bool LocationApproximate { get; init; }
    public string? Website { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public IReadOnlyList<string> SocialLinks { get; init; } = [];
    public string? OfferTrainings { get; init; }
    public string? OfferTourism { get; init; }
    public string? OfferResources { get; init; }
    public string? Siret { get; init; }
    public string? Rna { get; init; }
    public string? Uai { get; init; }
    public string? Museofile { get; init; }
    public string Status { get; init; } = Data.ActorStatus.Published;
    public DateTimeOffset? VerifiedAt { get; init; }
    public string? VerifiedBy { get; init; }
}
