using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Actors;

/// <summary>
/// The located actors of a filter as an RFC 7946 GeoJSON FeatureCollection (WGS 84, longitude then latitude, no
/// "crs"), with the credit and licence as foreign members (§6.1). PostGIS writes each feature; this class only
/// streams them, one row at a time. Actors without a location are left out (docs/exports.md).
/// </summary>
public sealed class ExportActorsGeoJson(NpgsqlDataSource dataSource)
{
    // Readable accents in the foreign members; JSON-special characters are still escaped.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public Task<ActorExport> OpenAsync(ActorFilter filter, string siteUrl, Func<string, bool> isCurrent, CancellationToken cancellationToken) =>
        ActorExport.OpenAsync(dataSource, "geojson", filter, siteUrl, isCurrent,
            (connection, transaction, output, token) => WriteAsync(connection, transaction, filter, siteUrl, output, token),
            cancellationToken);

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ActorFilter filter, string siteUrl, Stream output, CancellationToken cancellationToken)
    {
        var sql = ActorFilterSql.For(filter);
        // The page address is /acteurs/{id}: permanent (it redirects to the current /acteurs/{id}-{slug}), and it
        // keeps the slug rules in one place (ActorLinks) instead of a copy in SQL.
        sql.Parameters.Add("page_base", siteUrl + "/acteurs/");
        // Names by key lookups rather than joins: a radius is estimated at one row, and joins planned for one row turn
        // into nested loops over whole tables when the circle holds thousands (ExportActorsCsv).
        var features = connection.QueryUnbufferedAsync<string>($"""
            select json_build_object(
                       'type', 'Feature',
                       'id', a.id,
                       'geometry', st_asgeojson(a.geom, 6)::json,
                       'properties', json_build_object(
                           'id', a.id,
                           'nom', a.name,
                           'sigle', a.acronym,
                           'cercle', a.circle,
                           'famille', (select f.name from actor_family f where f.id = a.family_id),
                           'commune', (select c.name from commune c where c.code = a.commune_code),
                           'code_commune', a.commune_code,
                           'code_departement', a.department_code,
                           'localisation_approchee', a.location_approximate,
                           'url', @page_base || a.id))::text
            from actor a
            where {sql.Where}
              and a.geom is not null
            order by a.id
            """, sql.Parameters, transaction, commandTimeout: (int)ActorExport.DatabaseTimeCap.TotalSeconds);

        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 32 * 1024, leaveOpen: true);
        await writer.WriteAsync(
            "{\"type\":\"FeatureCollection\"," +
            $"\"attribution\":{JsonSerializer.Serialize(ActorDataLicence.Attribution, Json)}," +
            $"\"licence\":{JsonSerializer.Serialize(ActorDataLicence.Licence, Json)}," +
            $"\"licence_url\":{JsonSerializer.Serialize(ActorDataLicence.LicenceUrl, Json)}," +
            "\"features\":[");
        var first = true;
        await foreach (var feature in features.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(first ? "\n" : ",\n");
            await writer.WriteAsync(feature);
            first = false;
        }

        await writer.WriteAsync("\n]}\n");
        await writer.FlushAsync(cancellationToken);
    }
}
