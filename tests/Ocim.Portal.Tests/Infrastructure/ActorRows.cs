using Dapper;
using Npgsql;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>Inserts actors straight into a test database (the trigger resolves their territories, as for any write).</summary>
public static class ActorRows
{
    public static async Task<long> InsertAsync(
        NpgsqlConnection connection,
        string name,
        int circle,
        string family,
        double? longitude = null,
        double? latitude = null,
        string? commune = null,
        string[]? actions = null,
        string[]? themes = null,
        string[]? audiences = null,
        string? acronym = null,
        string? shortDescription = null,
        string status = "published",
        string? externalId = null)
    {
        return await connection.ExecuteScalarAsync<long>("""
            insert into actor (name, acronym, circle, family_id, action_types, themes, audiences, short_description,
                               longitude, latitude, commune_code, status, source, external_id)
            values (@name, @acronym, @circle, (select id from actor_family where slug = @family), @actions, @themes, @audiences,
                    @shortDescription, @longitude, @latitude, @commune, @status, 'test', @externalId)
            returning id
            """, new
        {
            name,
            acronym,
            circle = (short)circle,
            family,
            actions = actions ?? [],
            themes = themes ?? [],
            audiences = audiences ?? [],
            shortDescription,
            longitude,
            latitude,
            commune,
            status,
            externalId = externalId ?? Guid.NewGuid().ToString("N"),
        });
    }
}
