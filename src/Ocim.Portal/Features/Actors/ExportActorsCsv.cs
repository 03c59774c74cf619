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
/// An export read on one consistent snapshot of the data, then served from a spool: the ETag is computed from the data
/// version read in the same read-only, repeatable-read transaction that reads the rows, so the ETag always describes
/// the body. The rows are written to a temporary file (deleted on close) under a time cap, and the transaction and
/// its connection are given back before the first byte goes to the client: a slow reader holds a file, never a
/// database connection or a snapshot (docs/decisions/0030-bounded-exports-and-white-zones.md). Shared by the CSV and
/// GeoJSON exports.
/// </summary>
public sealed class ActorExport : IAsyncDisposable
{
    /// <summary>
    /// The database part of an export (snapshot, query, spooling) is cancelled after this long: about 9 s per 100,000
    /// rows were measured at 1M actors on a loaded 2-core machine, so the whole inventory fits, and nothing runs for ever.
    /// </summary>
    public static readonly TimeSpan DatabaseTimeCap = TimeSpan.FromSeconds(120);

    private readonly FileStream? spool;

    private ActorExport(string etag, FileStream? spool)
    {
        ETag = etag;
        this.spool = spool;
    }

    /// <summary>A strong ETag (quoted): format, data version, and a hash of the filter and the site address.</summary>
    public string ETag { get; }

    /// <summary>True when the client's copy (If-None-Match) is current: nothing was read, there is no body.</summary>
    public bool NotModified => spool is null;

    /// <summary>The body's length in bytes (0 when not modified).</summary>
    public long Length => spool?.Length ?? 0;

    /// <summary>Copies the spooled body to the client, at the client's pace; no database resource is held by then.</summary>
    public async Task WriteToAsync(Stream output, CancellationToken cancellationToken)
    {
        if (spool is null)
        {
            return;
        }

        spool.Position = 0;
        await spool.CopyToAsync(output, 64 * 1024, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (spool is not null)
        {
            await spool.DisposeAsync();
        }
    }

    internal static async Task<ActorExport> OpenAsync(
        NpgsqlDataSource dataSource,
        string format,
        ActorFilter filter,
        string siteUrl,
        Func<string, bool> isCurrent,
        Func<NpgsqlConnection, NpgsqlTransaction, Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(DatabaseTimeCap);
        var token = cap.Token;
        await using var connection = await dataSource.OpenConnectionAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, token);
        await connection.ExecuteAsync(new CommandDefinition(
            FormattableString.Invariant($"set transaction read only; set local statement_timeout = {(int)DatabaseTimeCap.TotalMilliseconds}"),
            transaction: transaction, cancellationToken: token));
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select version from data_version where name = 'actors'", transaction: transaction, cancellationToken: token));

        // The canonical query string, so that equivalent filters share an ETag; the site address is in the rows.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(filter.ToQueryString() + "\n" + siteUrl));
        var etag = FormattableString.Invariant($"\"{format}-{version}-{Convert.ToHexStringLower(hash.AsSpan(0, 8))}\"");
        if (isCurrent(etag))
        {
            return new ActorExport(etag, null);
        }

        var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), "ocim-export-" + Guid.NewGuid().ToString("N") + "." + format),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await write(connection, transaction, spool, token);
            await transaction.CommitAsync(token);
            return new ActorExport(etag, spool);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// The actors of a filter as CSV for French Excel (docs/exports.md): UTF-8 with BOM, <c>;</c>, CRLF, RFC 4180
/// quoting, French headers, decimal comma, dates dd/MM/yyyy; text cells that a spreadsheet would take for a formula
/// get a leading apostrophe (OWASP CSV injection). Rows are written to the export's spool as they are read, never held in memory.
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

    public Task<ActorExport> OpenAsync(ActorFilter filter, string siteUrl, Func<string, bool> isCurrent, CancellationToken cancellationToken) =>
        ActorExport.OpenAsync(dataSource, "csv", filter, siteUrl, isCurrent,
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

        // The vocabularies' labels are read once (a few dozen rows) and applied here: a label function called three
        // times per row cost more than the rest of the export. The territories' and family's names are scalar
        // subqueries on their primary keys: the radius filter is estimated at one row, and joins planned for one row
        // became nested loops over whole tables (4.3 s for 18,867 rows); a key lookup costs the same whatever the plan.
        var labels = await VocabularyLabels.ReadAsync(connection, transaction, cancellationToken);
        var rows = connection.QueryUnbufferedAsync<CsvRow>($"""
            select a.id, a.name, a.acronym, a.circle,
                   (select f.name from actor_family f where f.id = a.family_id) as family_name,
                   a.action_types, a.themes, a.audiences,
                   a.short_description, a.long_description, a.address, a.postal_code,
                   a.commune_code, (select c.name from commune c where c.code = a.commune_code) as commune_name,
                   a.epci_siren, (select e.name from epci e where e.siren = a.epci_siren) as epci_name,
                   a.department_code, (select d.name from department d where d.code = a.department_code) as department_name,
                   a.region_code, (select r.name from region r where r.code = a.region_code) as region_name,
                   a.longitude, a.latitude, a.location_approximate, a.website, a.email, a.phone,
                   array_to_string(a.social_links, ' ') as social_links, a.offer_trainings, a.offer_tourism, a.offer_resources,
                   a.siret, a.rna, a.uai, a.museofile, a.source, a.verified_at, a.verified_by, a.updated_at
            from actor a
            where {sql.Where}
            order by a.sort_name collate french, a.id
            """, sql.Parameters, transaction, commandTimeout: (int)ActorExport.DatabaseTimeCap.TotalSeconds);

        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            Number(line, row.Id.ToString(CultureInfo.InvariantCulture));
            Cell(line, row.Name);
            Cell(line, row.Acronym);
            Number(line, row.Circle.ToString(CultureInfo.InvariantCulture));
            Cell(line, row.FamilyName);
            Cell(line, labels.Join("action", row.ActionTypes));
            Cell(line, labels.Join("theme", row.Themes));
            Cell(line, labels.Join("audience", row.Audiences));
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
        public string[]? ActionTypes { get; init; }
        public string[]? Themes { get; init; }
        public string[]? Audiences { get; init; }
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

/// <summary>
/// The vocabularies' labels (actor_vocabulary), read once per export: slugs become labels in the vocabulary's order,
/// unknown slugs are kept as they are and come last in their own order, as actor_vocabulary_labels (005) does.
/// </summary>
internal sealed class VocabularyLabels
{
    private readonly Dictionary<(string Kind, string Slug), (string Label, int Order)> labels;

    private VocabularyLabels(Dictionary<(string Kind, string Slug), (string Label, int Order)> labels) => this.labels = labels;

    public static async Task<VocabularyLabels> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Kind, string Slug, string Label, int SortOrder)>(new CommandDefinition(
            "select kind, slug, label, sort_order from actor_vocabulary", transaction: transaction, cancellationToken: cancellationToken));
        return new VocabularyLabels(rows.ToDictionary(r => (r.Kind, r.Slug), r => (r.Label, r.SortOrder)));
    }

    /// <summary>The labels of <paramref name="slugs"/>, comma-separated.</summary>
    public string Join(string kind, string[]? slugs)
    {
        if (slugs is null || slugs.Length == 0)
        {
            return string.Empty;
        }

        return string.Join(", ", slugs
            .Select((slug, n) => labels.TryGetValue((kind, slug), out var known) ? (known.Label, Order: (int?)known.Order, n) : (Label: slug, Order: null, n))
            .OrderBy(x => x.Order is null)
            .ThenBy(x => x.Order)
            .ThenBy(x => x.n)
            .Select(x => x.Label));
    }
}
