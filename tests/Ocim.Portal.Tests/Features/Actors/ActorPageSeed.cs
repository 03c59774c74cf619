using Dapper;
using Npgsql;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>A listing as the page and export tests insert it: every column of the actor table, most of them optional.</summary>
public sealed record ActorPageSeed
{
    public required string Name { get; init; }
    public string? Acronym { get; init; }
    public short Circle { get; init; } = 1;
    public string Family { get; init; } = "musee";
    public string[] ActionTypes { get; init; } = [];
    public string[] Themes { get; init; } = [];
    public string[] Audiences { get; init; } = [];
    public string? ShortDescription { get; init; }
    public string? LongDescription { get; init; }
    public string? Address { get; init; }
    public string? PostalCode { get; init; }
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public string? CommuneCode { get; init; }
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
    public string Status { get; init; } = "published";
    public string Source { get; init; } = "tests";
    public string ExternalId { get; init; } = Guid.NewGuid().ToString("N");
    public DateTime? VerifiedAt { get; init; }
    public string? VerifiedBy { get; init; }

    /// <summary>Dijon's centre: inside commune 21231, EPCI 242100410, department 21, region 27.</summary>
    public static ActorPageSeed InDijon(string name) => new() { Name = name, Longitude = 5.0415, Latitude = 47.3220 };

    public async Task<long> InsertAsync(NpgsqlConnection connection) =>
        await connection.ExecuteScalarAsync<long>("""
            insert into actor (name, acronym, circle, family_id, action_types, themes, audiences, short_description,
                               long_description, address, postal_code, longitude, latitude, commune_code, website, email,
                               phone, social_links, offer_trainings, offer_tourism, offer_resources, siret, rna, uai,
                               museofile, status, source, external_id, verified_at, verified_by)
            values (@Name, @Acronym, @Circle, (select id from actor_family where slug = @Family), @ActionTypes, @Themes,
                    @Audiences, @ShortDescription, @LongDescription, @Address, @PostalCode, @Longitude, @Latitude,
                    @CommuneCode, @Website, @Email, @Phone, @SocialLinks, @OfferTrainings, @OfferTourism, @OfferResources,
                    @Siret, @Rna, @Uai, @Museofile, @Status, @Source, @ExternalId, @VerifiedAt, @VerifiedBy)
            returning id
            """, this);
}
