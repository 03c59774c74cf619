using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Actors;

/// <summary>Who to credit for the actor data, and under which licence: the exports carry it (docs/exports.md).</summary>
public static class ActorDataLicence
{
    public const string Attribution = "Ocim — inventaire des acteurs sciences · patrimoines · société";
    public const string Licence = "Licence Ouverte / Open Licence 2.0 (Etalab)";
    public const string LicenceUrl = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

    /// <summary>The text of the CSV's last column and of the GeoJSON's "attribution".</summary>
    public const string Credit = Attribution + ", " + Licence;
}

/// <summary>
/// An export opened on one consistent snapshot of the data: the ETag is computed from the data version read in the
/// same read-only, repeatable-read transaction that then streams the rows, so the ETag always describes the body.
/// Shared by the CSV and GeoJSON exports.
/// </summary>
public sealed class ActorExport : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private readonly Func<NpgsqlConnection, NpgsqlTransaction, Stream, CancellationToken, Task> write;

    private ActorExport(NpgsqlConnection connection, NpgsqlTransaction transaction, string etag, Func<NpgsqlConnection, NpgsqlTransaction, Stream, CancellationToken, Task> write)
    {
        this.connection = connection;
        this.transaction = transaction;
        ETag = etag;
        this.write = write;
    }

    /// <summary>A strong ETag (quoted): format, data version, and a hash of the filter and the site address.</summary>
    public string ETag { get; }

    public Task WriteToAsync(Stream output, CancellationToken cancellationToken) => write(connection, transaction, output, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    internal static async Task<ActorExport> OpenAsync(
        NpgsqlDataSource dataSource,
        string format,
        ActorFilter filter,
        string siteUrl,
        Func<NpgsqlConnection, NpgsqlTransaction, Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("set transaction read only", transaction: transaction, cancellationToken: cancellationToken));
            var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select version from data_version where name = 'actors'", transaction: transaction, cancellationToken: cancellationToken));

            // The canonical query string, so that equivalent filters share an ETag; the site address is in the rows.
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(filter.ToQueryString() + "\n" + siteUrl));
            var etag = FormattableString.Invariant($"\"{format}-{version}-{Convert.ToHexStringLower(hash.AsSpan(0, 8))}\"");
            return new ActorExport(connection, transaction, etag, write);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// The actors of a filter as CSV for French Excel (docs/exports.md): UTF-8 with BOM, <c>;</c>, CRLF, RFC 4180
/// quoting, French headers, decimal comma, dates dd/MM/yyyy; text cells that a spreadsheet would take for a formula
/// get a leading apostrophe (OWASP CSV injection). Rows are streamed as they are read, never held in memory.
/// </summary>
public sealed class ExportActorsCsv(NpgsqlDataSource dataSource)
{
    public static readonly string[] Headers =
    [
        "identifiant", "nom", "sigle", "cercle", "famille", "types d'action", "thèmes", "publics",
        "description courte", "description longue (Markdown)", "adresse", "code postal",
        "code commune (INSEE)", "commune", "SIREN EPCI", "EPCI", "code département", "département", "code région", "région",
        "longitude", "latitude", "localisation approchée", "site web", "e-mail", "téléphone", "réseaux sociaux",
        "formations", "offre touristique", "ressources", "SIRET ou SIREN", "RNA", "UAI", "Muséofile",
        "source", "dernière vérification", "vérifiée par", "mise à jour", "page", "crédit et licence",
    ];

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public Task<ActorExport> OpenAsync(ActorFilter filter, string siteUrl, CancellationToken cancellationToken) =>
        ActorExport.OpenAsync(dataSource, "csv", filter, siteUrl,
            (connection, transaction, output, token) => WriteAsync(connection, transaction, filter, siteUrl, output, token),
            cancellationToken);

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ActorFilter filter, string siteUrl, Stream output, CancellationToken cancellationToken)
    {
        var sql = ActorFilterSql.For(filter);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 32 * 1024, leaveOpen: true);
        // Written by hand rather than left to StreamWriter: Excel needs it to read the file as UTF-8.
        await writer.WriteAsync('\uFEFF');

        var line = new StringBuilder(1024);
        foreach (var header in Headers)
        {
            Cell(line, header);
        }

        await WriteLineAsync(writer, line, cancellationToken);

        var rows = connection.QueryUnbufferedAsync<CsvRow>($"""
            select a.id, a.name, a.acronym, a.circle, f.name as family_name,
                   array_to_string(actor_vocabulary_labels('action', a.action_types), ', ') as action_types,
                   array_to_string(actor_vocabulary_labels('theme', a.themes), ', ') as themes,
                   array_to_string(actor_vocabulary_labels('audience', a.audiences), ', ') as audiences,
                   a.short_description, a.long_description, a.address, a.postal_code,
                   a.commune_code, c.name as commune_name, a.epci_siren, e.name as epci_name,
                   a.department_code, d.name as department_name, a.region_code, r.name as region_name,
                   a.longitude, a.latitude, a.location_approximate, a.website, a.email, a.phone,
                   array_to_string(a.social_links, ' ') as social_links, a.offer_trainings, a.offer_tourism, a.offer_resources,
                   a.siret, a.rna, a.uai, a.museofile, a.source, a.verified_at, a.verified_by, a.updated_at
            from actor a
            join actor_family f on f.id = a.family_id
            left join commune c on c.code = a.commune_code
            left join epci e on e.siren = a.epci_siren
            left join department d on d.code = a.department_code
            left join region r on r.code = a.region_code
            where {sql.Where}
            order by a.sort_name collate french, a.id
            """, sql.Parameters, transaction, commandTimeout: 300);

        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            Number(line, row.Id.ToString(CultureInfo.InvariantCulture));
            Cell(line, row.Name);
            Cell(line, row.Acronym);
            Number(line, row.Circle.ToString(CultureInfo.InvariantCulture));
            Cell(line, row.FamilyName);
            Cell(line, row.ActionTypes);
            Cell(line, row.Themes);
            Cell(line, row.Audiences);
            Cell(line, row.ShortDescription);
            Cell(line, row.LongDescription);
            Cell(line, row.Address);
            Cell(line, row.PostalCode);
            Cell(line, row.CommuneCode);
            Cell(line, row.CommuneName);
            Cell(line, row.EpciSiren);
            Cell(line, row.EpciName);
            Cell(line, row.DepartmentCode);
            Cell(line, row.DepartmentName);
            Cell(line, row.RegionCode);
            Cell(line, row.RegionName);
            Number(line, row.Longitude?.ToString("0.######", French));
            Number(line, row.Latitude?.ToString("0.######", French));
            Cell(line, row.Longitude is null ? null : row.LocationApproximate ? "oui" : "non");
            Cell(line, row.Website);
            Cell(line, row.Email);
            Cell(line, row.Phone);
            Cell(line, row.SocialLinks);
            Cell(line, row.OfferTrainings);
            Cell(line, row.OfferTourism);
            Cell(line, row.OfferResources);
            Cell(line, row.Siret);
            Cell(line, row.Rna);
            Cell(line, row.Uai);
            Cell(line, row.Museofile);
            Cell(line, row.Source);
            Number(line, Date(row.VerifiedAt));
            Cell(line, row.VerifiedBy);
            Number(line, Date(row.UpdatedAt));
            Cell(line, siteUrl + ActorLinks.Href(row.Id, row.Name));
            Cell(line, ActorDataLicence.Credit);
            await WriteLineAsync(writer, line, cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// A text cell, made safe for spreadsheets: a leading = + - @ tab or CR (or NUL) would start a formula or be
    /// dropped, so the cell gets a leading apostrophe (OWASP); then RFC 4180 quoting when the cell holds the
    /// separator, a quote or a line break.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\0')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(";\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static void Cell(StringBuilder line, string? value)
    {
        if (line.Length > 0)
        {
            line.Append(';');
        }

        line.Append(Escape(value));
    }

    /// <summary>A number or date the export formats itself (never user text): a minus sign there is a sign, not a formula.</summary>
    private static void Number(StringBuilder line, string? value)
    {
        if (line.Length > 0)
        {
            line.Append(';');
        }

        line.Append(value);
    }

    private static string? Date(DateTime? utc) =>
        utc is { } value ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(value, DateTimeKind.Utc), Paris).ToString("dd/MM/yyyy", French) : null;

    private static async Task WriteLineAsync(StreamWriter writer, StringBuilder line, CancellationToken cancellationToken)
    {
        line.Append("\r\n");
        await writer.WriteAsync(line, cancellationToken);
        line.Clear();
    }

    private sealed class CsvRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = string.Empty;
        public string? Acronym { get; init; }
        public short Circle { get; init; }
        public string FamilyName { get; init; } = string.Empty;
        public string? ActionTypes { get; init; }
        public string? Themes { get; init; }
        public string? Audiences { get; init; }
        public string? ShortDescription { get; init; }
        public string? LongDescription { get; init; }
        public string? Address { get; init; }
        public string? PostalCode { get; init; }
        public string? CommuneCode { get; init; }
        public string? CommuneName { get; init; }
        public string? EpciSiren { get; init; }
        public string? EpciName { get; init; }
        public string? DepartmentCode { get; init; }
        public string? DepartmentName { get; init; }
        public string? RegionCode { get; init; }
        public string? RegionName { get; init; }
        public double? Longitude { get; init; }
        public double? Latitude { get; init; }
        public bool LocationApproximate { get; init; }
        public string? Website { get; init; }
        public string? Email { get; init; }
        public string? Phone { get; init; }
        public string? SocialLinks { get; init; }
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
    }
}
