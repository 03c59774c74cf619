using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

/// <summary>A class database with listings chosen for the exports: filters, hostile text, a listing without a location, a draft.</summary>
public sealed class ExportDatabase : IAsyncLifetime
{
    public const string Formula = "=cmd|' /C calc'!A0";
    public const string Quoted = "Musée \"la Source\"; section A";
    public const string MultiLine = "ligne 1\nligne 2\r\nligne 3";

    public DatabaseFixture Database { get; } = new();

    public long Dijon { get; private set; }
    public long Concarneau { get; private set; }
    public long Unlocated { get; private set; }
    public long Draft { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var c = await Database.OpenAsync();
        Dijon = await (ActorPageSeed.InDijon("Musée des Beaux-Arts de Dijon") with { ActionTypes = ["expositions", "mediation"], Phone = "+33 3 80 74 52 09" }).InsertAsync(c);
        Concarneau = await new ActorPageSeed { Name = "Station de biologie marine", Circle = 2, Family = "organisme-de-recherche", Longitude = -3.9186, Latitude = 47.8739 }.InsertAsync(c);
        await new ActorPageSeed { Name = "Planétarium de Brest", Family = "planetarium", Longitude = -4.4860, Latitude = 48.3904, Themes = ["astronomie"] }.InsertAsync(c);
        await new ActorPageSeed { Name = "Bibliothèque des sciences", Circle = 3, Family = "bibliotheque", Longitude = 2.3522, Latitude = 48.8566 }.InsertAsync(c);
        foreach (var name in new[] { Formula, "+1", "-1", "@SUM(1)", "\tTabulation", "\rRetour" })
        {
            await (ActorPageSeed.InDijon(name) with { Circle = 3, Family = "autre", ShortDescription = "-2+3" }).InsertAsync(c);
        }

        await (ActorPageSeed.InDijon(Quoted) with { ShortDescription = MultiLine, Address = "=1+1" }).InsertAsync(c);
        Unlocated = await new ActorPageSeed { Name = "Association sans adresse", Family = "association" }.InsertAsync(c);
        Draft = await new ActorPageSeed { Name = "Planétarium brouillon", Family = "planetarium", Longitude = -4.4860, Latitude = 48.3904, Status = "draft" }.InsertAsync(c);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

public sealed class ActorExportTests : IClassFixture<ExportDatabase>, IDisposable
{
    private readonly ExportDatabase data;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public ActorExportTests(ExportDatabase data)
    {
        this.data = data;
        factory = new PortalFactory(data.Database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public static TheoryData<string> Filters => new()
    {
        "",
        "cercle=2",
        "cercle=1&departement=21",
        "departement=29",
        "q=planetarium",
        "region=27&famille=autre",
    };

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task The_csv_is_UTF8_with_BOM_semicolons_CRLF_and_French_headers()
    {
        var response = await client.GetAsync(new Uri("/acteurs.csv", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes.Take(3));
        var records = ParseCsv(bytes);
        Assert.Equal(ExportActorsCsv.Headers, records[0]);
        Assert.Equal("identifiant;nom;sigle;cercle;famille", string.Join(';', records[0].Take(5)));
        Assert.All(records, r => Assert.Equal(ExportActorsCsv.Headers.Length, r.Count));
        Assert.Contains(
            $"<{ActorDataLicence.LicenceUrl}>; rel=\"license\"",
            response.Headers.GetValues("Link"));
    }

    [Fact]
    public async Task Separators_quotes_and_line_breaks_are_quoted_and_read_back_intact()
    {
        var (text, records) = await GetCsvAsync("/acteurs.csv");

        var row = Assert.Single(records, r => r[1] == ExportDatabase.Quoted);
        Assert.Equal(ExportDatabase.MultiLine, row[Column("description courte")]);
        Assert.Equal("'=1+1", row[Column("adresse")]);
        Assert.Contains("\"Musée \"\"la Source\"\"; section A\"", text, StringComparison.Ordinal);
        Assert.Contains("\"ligne 1\nligne 2\r\nligne 3\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExportDatabase.Formula)]
    [InlineData("+1")]
    [InlineData("-1")]
    [InlineData("@SUM(1)")]
    [InlineData("\tTabulation")]
    [InlineData("\rRetour")]
    public async Task A_cell_that_would_start_a_formula_gets_a_leading_apostrophe(string name)
    {
        var (_, records) = await GetCsvAsync("/acteurs.csv");

        var row = Assert.Single(records, r => r[1] == "'" + name);
        Assert.Equal("'-2+3", row[Column("description courte")]);
    }

    [Fact]
    public async Task No_text_cell_starts_like_a_formula_and_coordinates_keep_their_sign_with_a_decimal_comma()
    {
        var (_, records) = await GetCsvAsync("/acteurs.csv");
        var numeric = new[] { Column("longitude"), Column("latitude") };

        foreach (var record in records.Skip(1))
        {
            for (var i = 0; i < record.Count; i++)
            {
                if (!numeric.Contains(i) && record[i].Length > 0)
                {
                    Assert.False(record[i][0] is '=' or '+' or '-' or '@' or '\t' or '\r', $"{ExportActorsCsv.Headers[i]}: {record[i]}");
                }
            }
        }

        var dijon = records.Single(r => r[0] == data.Dijon.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("5,0415", dijon[Column("longitude")]);
        Assert.Equal("47,322", dijon[Column("latitude")]);
        Assert.Equal("21231", dijon[Column("code commune (INSEE)")]);
        Assert.Equal("Dijon", dijon[Column("commune")]);
        Assert.Equal("242100410", dijon[Column("SIREN EPCI")]);
        Assert.Equal("21", dijon[Column("code département")]);
        Assert.Equal("Côte-d'Or", dijon[Column("département")]);
        Assert.Equal("27", dijon[Column("code région")]);
        Assert.Equal("Expositions, Médiation", dijon[Column("types d'action")]);
        Assert.Equal("'+33 3 80 74 52 09", dijon[Column("téléphone")]);
        Assert.Equal(ActorDataLicence.Credit, dijon[^1]);
        Assert.EndsWith($"/acteurs/{data.Dijon}-musee-des-beaux-arts-de-dijon", dijon[Column("page")], StringComparison.Ordinal);
        var concarneau = records.Single(r => r[0] == data.Concarneau.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("-3,9186", concarneau[Column("longitude")]);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task The_csv_holds_exactly_the_actors_the_list_filter_selects(string query)
    {
        var expected = await IdsOfFilterAsync(query, locatedOnly: false);

        var (_, records) = await GetCsvAsync("/acteurs.csv?" + query);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, records.Skip(1).Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList());
        Assert.DoesNotContain(data.Draft, expected);
    }

    [Theory]
    [InlineData("/acteurs.csv?cercle=9", "Le cercle « 9 »")]
    [InlineData("/acteurs.geojson?departement=ABC", "Le département « ABC »")]
    [InlineData("/acteurs.csv?rayon=10", "Le rayon demande un point de référence")]
    public async Task A_malformed_filter_is_refused_in_French(string url, string message)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_geojson_is_an_RFC_7946_feature_collection_with_lon_lat_points()
    {
        var response = await client.GetAsync(new Uri("/acteurs.geojson", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var root = json.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        Assert.False(root.TryGetProperty("crs", out _), "RFC 7946 removed the crs member");
        Assert.Equal(ActorDataLicence.Licence, root.GetProperty("licence").GetString());
        Assert.Equal(ActorDataLicence.Attribution, root.GetProperty("attribution").GetString());
        var features = root.GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(features);
        foreach (var feature in features)
        {
            Assert.Equal("Feature", feature.GetProperty("type").GetString());
            var geometry = feature.GetProperty("geometry");
            Assert.Equal("Point", geometry.GetProperty("type").GetString());
            var position = geometry.GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()).ToList();
            Assert.Equal(2, position.Count);
            // All seeded listings are in metropolitan France: longitude first, then latitude.
            Assert.InRange(position[0], -5.5, 10);
            Assert.InRange(position[1], 41, 51.5);
            var properties = feature.GetProperty("properties");
            var id = properties.GetProperty("id").GetInt64();
            Assert.Equal(id, feature.GetProperty("id").GetInt64());
            Assert.EndsWith($"/acteurs/{id}", properties.GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.InRange(properties.GetProperty("cercle").GetInt32(), 1, 3);
            Assert.False(string.IsNullOrEmpty(properties.GetProperty("famille").GetString()));
            Assert.False(string.IsNullOrEmpty(properties.GetProperty("nom").GetString()));
        }

        var dijon = features.Single(f => f.GetProperty("id").GetInt64() == data.Dijon);
        Assert.Equal([5.0415, 47.322], dijon.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()));
        Assert.Equal("Dijon", dijon.GetProperty("properties").GetProperty("commune").GetString());
        Assert.Equal("Musée", dijon.GetProperty("properties").GetProperty("famille").GetString());
        Assert.DoesNotContain(features, f => f.GetProperty("id").GetInt64() == data.Unlocated);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task The_geojson_holds_the_located_actors_the_list_filter_selects(string query)
    {
        var expected = await IdsOfFilterAsync(query, locatedOnly: true);

        var response = await client.GetAsync(new Uri("/acteurs.geojson?" + query, UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());

        Assert.Equal(
            expected,
            json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).Order().ToList());
    }

    [Theory]
    [InlineData("/acteurs.csv")]
    [InlineData("/acteurs.geojson")]
    public async Task An_export_answers_304_until_an_actor_changes(string path)
    {
        var first = await client.GetAsync(new Uri(path + "?cercle=1", UriKind.Relative));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        var again = await GetWithETagAsync(path + "?cercle=1", etag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag);

        // Another filter is another resource.
        var other = await GetWithETagAsync(path + "?cercle=2", etag);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotEqual(etag, other.Headers.ETag);

        await using (var connection = await data.Database.OpenAsync())
        {
            await connection.ExecuteAsync("update actor set phone = '03 80 00 00 00' where id = @id", new { id = data.Concarneau });
        }

        var changed = await GetWithETagAsync(path + "?cercle=1", etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.NotEmpty(await changed.Content.ReadAsByteArrayAsync());
    }

    private static int Column(string header) => Array.IndexOf(ExportActorsCsv.Headers, header) is >= 0 and var i ? i : throw new ArgumentException(header);

    private async Task<HttpResponseMessage> GetWithETagAsync(string url, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        return await client.SendAsync(request);
    }

    private async Task<(string Text, List<List<string>> Records)> GetCsvAsync(string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), ParseCsv(bytes));
    }

    /// <summary>The ids the list's filter selects, straight from SQL with the one filter translation.</summary>
    private async Task<List<long>> IdsOfFilterAsync(string query, bool locatedOnly)
    {
        var (filter, errors) = ActorFilter.Parse(QueryHelpers.ParseQuery(query));
        Assert.Empty(errors);
        var sql = ActorFilterSql.For(filter);
        await using var connection = await data.Database.OpenAsync();
        var ids = await connection.QueryAsync<long>(
            $"select a.id from actor a where {sql.Where} {(locatedOnly ? "and a.longitude is not null" : string.Empty)} order by a.id", sql.Parameters);
        return ids.ToList();
    }

    /// <summary>
    /// A strict reader of the export's dialect (written here, independently of the code under test): BOM, ';',
    /// RFC 4180 quotes, and CRLF as the only record terminator outside quotes.
    /// </summary>
    private static List<List<string>> ParseCsv(byte[] bytes)
    {
        Assert.True(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "UTF-8 BOM");
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (field.Length == 0 && text[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "unterminated quoted field");
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(text[i++]);
                    }
                }

                Assert.True(i == text.Length || text[i] is ';' or '\r', $"text after a closing quote at {i}");
                continue;
            }

            var c = text[i];
            if (c == ';')
            {
                record.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (c == '\r' || c == '\n')
            {
                Assert.True(c == '\r' && i + 1 < text.Length && text[i + 1] == '\n', $"a record must end with CRLF (position {i})");
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i += 2;
            }
            else
            {
                Assert.NotEqual('"', c);
                field.Append(c);
                i++;
            }
        }

        Assert.True(field.Length == 0 && record.Count == 0, "the last record must end with CRLF");
        return records;
    }
}
