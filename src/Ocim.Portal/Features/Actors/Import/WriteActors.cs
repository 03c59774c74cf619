using System.Diagnostics;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>
/// <paramref name="Partial"/>: write the good rows and report the others (otherwise one bad row rejects the whole
/// file). <paramref name="DryRun"/>: run every check, count what would change, write nothing.
/// </summary>
public sealed record ImportOptions(bool Partial = false, bool DryRun = false);

/// <summary>
/// What an import did (or, when <see cref="Written"/> is false, would have done): listings added, updated, already
/// identical, rows rejected (distinct lines with an error) and the errors themselves, ordered by line.
/// </summary>
public sealed record ImportOutcome(int Inserted, int Updated, int Unchanged, int Rejected, IReadOnlyList<ImportError> Errors, bool Written);

/// <summary>
/// Writes imported listings in one transaction, set-wise (docs/decisions/0006-bulk-import-in-sql.md): the records go
/// into a temporary staging table by binary COPY; the checks that need the database (unknown family or vocabulary,
/// a point in no French commune, an unknown commune code, an external id given twice) run as queries over the whole
/// set and become <see cref="ImportError"/>s before anything is written; then one INSERT … ON CONFLICT (source,
/// external_id) DO UPDATE writes the new and changed rows only, so re-importing an identical file changes nothing,
/// not even updated_at. The actor trigger resolves each location's territories.
/// </summary>
public sealed partial class WriteActors(NpgsqlDataSource dataSource, ILogger<WriteActors> logger)
{
    private const int ProgressEvery = 5_000;

    public async Task<ImportOutcome> WriteAsync(IReadOnlyList<ActorRecord> records, IReadOnlyList<ImportError> knownErrors,
        ImportOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await WriteAsync(connection, records, knownErrors, options, cancellationToken);
        if (outcome.Written)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// The same, inside a transaction the caller owns (the demo load writes several sources in one). Nothing is
    /// committed here; <see cref="ImportOutcome.Written"/> says whether the caller should commit.
    /// </summary>
    public async Task<ImportOutcome> WriteAsync(NpgsqlConnection connection, IReadOnlyList<ActorRecord> records,
        IReadOnlyList<ImportError> knownErrors, ImportOptions options, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var errors = new List<ImportError>(knownErrors);
        var valid = new List<ActorRecord>(records.Count);
        foreach (var record in records)
        {
            var recordErrors = ActorRules.Check(record).ToList();
            if (recordErrors.Count == 0)
            {
                valid.Add(record);
            }
            else
            {
                errors.AddRange(recordErrors);
            }
        }

        await connection.ExecuteAsync(StagingTable);
        await StageAsync(connection, valid, cancellationToken);

        var step = Stopwatch.StartNew();
        await connection.ExecuteAsync(new CommandDefinition(TranslateCommuneCodes, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(FollowMergedListings, cancellationToken: cancellationToken));
        var databaseErrors = (await connection.QueryAsync<(int Ordinal, int Line, string Column, string Value, string Reason)>(
            new CommandDefinition(Checks, commandTimeout: 0, cancellationToken: cancellationToken))).ToList();
        errors.AddRange(databaseErrors.Select(e => new ImportError(e.Line, e.Column, e.Value, e.Reason)));
        var checkSeconds = step.Elapsed.TotalSeconds;
        LogChecked(logger, valid.Count, databaseErrors.Count, checkSeconds);

        var rejectedOrdinals = databaseErrors.Select(e => e.Ordinal).Distinct().ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            "delete from actor_import_stage where ordinal = any(@rejectedOrdinals)", new { rejectedOrdinals }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Classify, commandTimeout: 0, cancellationToken: cancellationToken));
        var counts = await connection.QuerySingleAsync<(int Inserted, int Updated, int Unchanged)>(new CommandDefinition("""
            select count(*) filter (where change = 'insert')::int, count(*) filter (where change = 'update')::int,
                   count(*) filter (where change = 'same')::int
            from actor_import_stage
            """, cancellationToken: cancellationToken));

        var sorted = errors.OrderBy(e => e.Line).ThenBy(e => e.Column, StringComparer.Ordinal).ToList();
        var rejected = sorted.Select(e => e.Line).Distinct().Count();
        var write = !options.DryRun && (options.Partial || sorted.Count == 0);
        if (write)
        {
            step.Restart();
            await connection.ExecuteAsync(new CommandDefinition(Upsert, commandTimeout: 0, cancellationToken: cancellationToken));
            var writeSeconds = step.Elapsed.TotalSeconds;
            LogWritten(logger, counts.Inserted, counts.Updated, counts.Unchanged, writeSeconds);
        }

        await connection.ExecuteAsync("drop table actor_import_stage");
        var totalSeconds = total.Elapsed.TotalSeconds;
        LogDone(logger, records.Count + knownErrors.Select(e => e.Line).Distinct().Count(), rejected, write, totalSeconds);
        return new ImportOutcome(counts.Inserted, counts.Updated, counts.Unchanged, rejected, sorted, write);
    }

    private async Task StageAsync(NpgsqlConnection connection, List<ActorRecord> records, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using (var writer = await connection.BeginBinaryImportAsync(StagingCopy, cancellationToken))
        {
            var ordinal = 0;
            foreach (var r in records)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(++ordinal, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.Line, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.Source, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.ExternalId, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.Name.Trim(), NpgsqlDbType.Text, cancellationToken);
                await WriteTextAsync(writer, r.Acronym, cancellationToken);
                await writer.WriteAsync((short)r.Circle, NpgsqlDbType.Smallint, cancellationToken);
                await writer.WriteAsync(r.FamilySlug, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.ActionTypes.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.Themes.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(r.Audiences.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await WriteTextAsync(writer, r.ShortDescription, cancellationToken);
                await WriteTextAsync(writer, r.LongDescription, cancellationToken);
                await WriteTextAsync(writer, r.Address, cancellationToken);
                await WriteTextAsync(writer, r.PostalCode, cancellationToken);
                await WriteTextAsync(writer, r.CommuneCode, cancellationToken);
                await WriteDoubleAsync(writer, r.Longitude, cancellationToken);
                await WriteDoubleAsync(writer, r.Latitude, cancellationToken);
                await writer.WriteAsync(r.LocationApproximate, NpgsqlDbType.Boolean, cancellationToken);
                await WriteTextAsync(writer, r.Website, cancellationToken);
                await WriteTextAsync(writer, r.Email, cancellationToken);
                await WriteTextAsync(writer, r.Phone, cancellationToken);
                await writer.WriteAsync(r.SocialLinks.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await WriteTextAsync(writer, r.OfferTrainings, cancellationToken);
                await WriteTextAsync(writer, r.OfferTourism, cancellationToken);
                await WriteTextAsync(writer, r.OfferResources, cancellationToken);
                await WriteTextAsync(writer, r.Siret, cancellationToken);
                await WriteTextAsync(writer, r.Rna, cancellationToken);
                await WriteTextAsync(writer, r.Uai, cancellationToken);
                await WriteTextAsync(writer, r.Museofile, cancellationToken);
                await writer.WriteAsync(r.Status, NpgsqlDbType.Text, cancellationToken);
                if (r.VerifiedAt is { } verifiedAt)
                {
                    await writer.WriteAsync(verifiedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }

                await WriteTextAsync(writer, r.VerifiedBy, cancellationToken);
                if (ordinal % ProgressEvery == 0)
                {
                    LogProgress(logger, ordinal, records.Count);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        LogStaged(logger, records.Count, seconds);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task WriteDoubleAsync(NpgsqlBinaryImporter writer, double? value, CancellationToken cancellationToken) =>
        value is { } number ? writer.WriteAsync(number, NpgsqlDbType.Double, cancellationToken) : writer.WriteNullAsync(cancellationToken);

    private const string StagingTable = """
        drop table if exists actor_import_stage;
        create temp table actor_import_stage (
            ordinal integer primary key, line integer not null,
            source text not null, external_id text not null, name text not null, acronym text, circle smallint not null,
            family_slug text not null, action_types text[] not null, themes text[] not null, audiences text[] not null,
            short_description text, long_description text, address text, postal_code text, commune_code text,
            longitude double precision, latitude double precision, location_approximate boolean not null,
            website text, email text, phone text, social_links text[] not null,
            offer_trainings text, offer_tourism text, offer_resources text,
            siret text, rna text, uai text, museofile text, status text not null,
            verified_at timestamptz, verified_by text,
            family_id integer, change text
        ) on commit drop;
        """;

    private const string StagingCopy = """
        copy actor_import_stage (ordinal, line, source, external_id, name, acronym, circle, family_slug, action_types, themes, audiences,
            short_description, long_description, address, postal_code, commune_code, longitude, latitude, location_approximate,
            website, email, phone, social_links, offer_trainings, offer_tourism, offer_resources, siret, rna, uai, museofile,
            status, verified_at, verified_by) from stdin (format binary)
        """;

    // Outlines are the 2018 geography (docs/decisions/0005): a commune given by a newer code (a commune nouvelle)
    // is placed on the 2018 outline that now belongs to it, and an arrondissement of Paris, Lyon or Marseille on its city.
    private const string TranslateCommuneCodes = """
        update actor_import_stage s set commune_code = coalesce(
                (select min(c.code) from commune c where c.current_code = s.commune_code),
                case when s.commune_code ~ '^751[0-2][0-9]$' then '75056'
                     when s.commune_code ~ '^6938[1-9]$' then '69123'
                     when s.commune_code ~ '^132[01][0-9]$' then '13055' end,
                s.commune_code)
        where s.longitude is null and s.commune_code is not null
          and not exists (select 1 from commune c where c.code = s.commune_code);
        """;

    // A row whose key belonged to a listing since merged into another (actor_alias, Features/Curation/MergeActors)
    // is written to the survivor: it takes the survivor's own key before the checks and the classification.
    private const string FollowMergedListings = """
        update actor_import_stage s set source = a.source, external_id = a.external_id
        from actor_alias al join actor a on a.id = al.actor_id
        where al.source = s.source and al.external_id = s.external_id and a.external_id is not null;
        """;

    private const string Checks = """
        select ordinal, line, 'id_externe' as column_name, external_id as value,
               format('Cet identifiant externe figure déjà ligne %s : chaque ligne doit avoir le sien.', first_line) as reason
        from (select ordinal, line, external_id, min(line) over (partition by source, external_id) as first_line,
                     row_number() over (partition by source, external_id order by ordinal) as rank
              from actor_import_stage) d
        where rank > 1
        union all
        select s.ordinal, s.line, 'famille', s.family_slug,
               'Famille inconnue. Familles possibles : ' || (select string_agg(slug, ', ' order by sort_order) from actor_family) || '.'
        from actor_import_stage s
        where not exists (select 1 from actor_family f where f.slug = s.family_slug)
        union all
        select s.ordinal, s.line, v.column_name, t.slug,
               format('« %s » n''est pas un terme connu de la liste. Termes possibles : %s.', t.slug,
                      (select string_agg(a.slug, ', ' order by a.sort_order) from actor_vocabulary a where a.kind = v.kind))
        from actor_import_stage s
        cross join lateral (values ('types_action', 'action', s.action_types), ('themes', 'theme', s.themes),
                                   ('publics', 'audience', s.audiences)) v(column_name, kind, slugs)
        cross join lateral unnest(v.slugs) t(slug)
        where not exists (select 1 from actor_vocabulary a where a.kind = v.kind and a.slug = t.slug)
        union all
        select s.ordinal, s.line, 'latitude, longitude', format('%s, %s', s.latitude, s.longitude),
               format('La position (latitude %s, longitude %s) est hors de France : elle n''est dans aucune commune française (en mer ou à l''étranger ?).',
                      trim_scale(round(s.latitude::numeric, 5)), trim_scale(round(s.longitude::numeric, 5)))
        from actor_import_stage s
        where s.longitude is not null and not exists (select 1 from resolve_territory(s.longitude, s.latitude))
        union all
        select s.ordinal, s.line, 'commune', s.commune_code,
               format('La commune de code INSEE %s est inconnue%s.', s.commune_code,
                      case when s.commune_code ~ '^(97[5-8]|98)' then ' (collectivité d''outre-mer : ses territoires ne sont pas chargés dans le portail)' else '' end)
        from actor_import_stage s
        where s.longitude is null and s.commune_code is not null
          and not exists (select 1 from commune c where c.code = s.commune_code)
        order by line, ordinal;
        """;

    // A listing known only by its commune is stored with the commune's centre (approximate): it is compared by
    // commune, not by the coordinates the trigger filled in, so that re-importing it finds it unchanged.
    private const string Classify = """
        update actor_import_stage s set family_id = f.id from actor_family f where f.slug = s.family_slug;
        update actor_import_stage set change = 'insert';
        update actor_import_stage s
        set change = case when
                (a.name, a.acronym, a.circle, a.family_id, a.action_types, a.themes, a.audiences, a.short_description,
                 a.long_description, a.address, a.postal_code, a.website, a.email, a.phone, a.social_links, a.offer_trainings,
                 a.offer_tourism, a.offer_resources, a.siret, a.rna, a.uai, a.museofile, a.status, a.verified_at, a.verified_by)
                is distinct from
                (s.name, s.acronym, s.circle, s.family_id, s.action_types, s.themes, s.audiences, s.short_description,
                 s.long_description, s.address, s.postal_code, s.website, s.email, s.phone, s.social_links, s.offer_trainings,
                 s.offer_tourism, s.offer_resources, s.siret, s.rna, s.uai, s.museofile, s.status, s.verified_at, s.verified_by)
                or case when s.longitude is null
                        then a.commune_code is distinct from s.commune_code or not a.location_approximate
                        else (a.longitude, a.latitude, a.location_approximate) is distinct from (s.longitude, s.latitude, s.location_approximate)
                   end
            then 'update' else 'same' end
        from actor a
        where a.source = s.source and a.external_id = s.external_id;
        """;

    private const string Upsert = """
        insert into actor (name, acronym, circle, family_id, action_types, themes, audiences, short_description, long_description,
            address, postal_code, commune_code, longitude, latitude, location_approximate, website, email, phone, social_links,
            offer_trainings, offer_tourism, offer_resources, siret, rna, uai, museofile, status, source, external_id,
            verified_at, verified_by)
        select name, acronym, circle, family_id, action_types, themes, audiences, short_description, long_description,
            address, postal_code, commune_code, longitude, latitude, location_approximate, website, email, phone, social_links,
            offer_trainings, offer_tourism, offer_resources, siret, rna, uai, museofile, status, source, external_id,
            verified_at, verified_by
        from actor_import_stage
        where change in ('insert', 'update')
        order by ordinal
        on conflict (source, external_id) do update set
            name = excluded.name, acronym = excluded.acronym, circle = excluded.circle, family_id = excluded.family_id,
            action_types = excluded.action_types, themes = excluded.themes, audiences = excluded.audiences,
            short_description = excluded.short_description, long_description = excluded.long_description,
            address = excluded.address, postal_code = excluded.postal_code, commune_code = excluded.commune_code,
            longitude = excluded.longitude, latitude = excluded.latitude, location_approximate = excluded.location_approximate,
            website = excluded.website, email = excluded.email, phone = excluded.phone, social_links = excluded.social_links,
            offer_trainings = excluded.offer_trainings, offer_tourism = excluded.offer_tourism,
            offer_resources = excluded.offer_resources, siret = excluded.siret, rna = excluded.rna, uai = excluded.uai,
            museofile = excluded.museofile, status = excluded.status, verified_at = excluded.verified_at,
            verified_by = excluded.verified_by, updated_at = now()
        -- Only rows the classification found new or changed reach this statement; the guard keeps it true even if
        -- another session wrote the same values in between.
        where (actor.name, actor.circle, actor.family_id, actor.status) is distinct from
              (excluded.name, excluded.circle, excluded.family_id, excluded.status)
           or (actor.acronym, actor.action_types, actor.themes, actor.audiences, actor.short_description, actor.long_description,
               actor.address, actor.postal_code, actor.commune_code, actor.longitude, actor.latitude, actor.location_approximate,
               actor.website, actor.email, actor.phone, actor.social_links, actor.offer_trainings, actor.offer_tourism,
               actor.offer_resources, actor.siret, actor.rna, actor.uai, actor.museofile, actor.verified_at, actor.verified_by)
              is distinct from
              (excluded.acronym, excluded.action_types, excluded.themes, excluded.audiences, excluded.short_description,
               excluded.long_description, excluded.address, excluded.postal_code, excluded.commune_code, excluded.longitude,
               excluded.latitude, excluded.location_approximate, excluded.website, excluded.email, excluded.phone,
               excluded.social_links, excluded.offer_trainings, excluded.offer_tourism, excluded.offer_resources,
               excluded.siret, excluded.rna, excluded.uai, excluded.museofile, excluded.verified_at, excluded.verified_by);
        """;

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Rows} of {Total} rows staged…")]
    private static partial void LogProgress(ILogger logger, int rows, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Rows} rows staged in {Seconds:0.0} s")]
    private static partial void LogStaged(ILogger logger, int rows, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Rows} rows checked against the database in {Seconds:0.0} s: {Errors} problems")]
    private static partial void LogChecked(ILogger logger, int rows, int errors, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "  written: {Inserted} added, {Updated} updated, {Unchanged} unchanged in {Seconds:0.0} s")]
    private static partial void LogWritten(ILogger logger, int inserted, int updated, int unchanged, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Rows} rows processed, {Rejected} rejected, written: {Written}, in {Seconds:0.0} s")]
    private static partial void LogDone(ILogger logger, int rows, int rejected, bool written, double seconds);
}
