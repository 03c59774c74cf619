using System.Text.Json;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Campaigns;

public enum QuestionnaireOutcome
{
    Saved,
    UnknownLink,
    Closed,
}

/// <summary>What the questionnaire page shows: the campaign, the listing as it stands, the answer already given.</summary>
public sealed record Questionnaire(Campaign Campaign, long ActorId, string ActorName, QuestionnaireForm Form, bool AlreadyAnswered, bool Open);

/// <summary>
/// The questionnaire behind a personal link. Reading it changes nothing (mail scanners open links); answering stores
/// the campaign's answers with the campaign and the listing's corrections as proposed changes for the curators: the
/// public listing does not change until they approve.
/// </summary>
public sealed class AnswerQuestionnaire(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public async Task<Questionnaire?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        if (!CampaignTokens.IsWellFormed(token))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<QuestionnaireRow>(new CommandDefinition(
            """
            select c.id as campaign_id, a.id as actor_id, a.name, a.short_description, a.address, a.website, a.email, a.phone,
                   resp.active, resp.audiences, resp.actions_count, resp.attendance, resp.duration_hours, resp.comment,
                   resp.listing_changes::text as listing_changes
            from campaign_recipient r
            join campaign c on c.id = r.campaign_id
            join actor a on a.id = r.actor_id
            left join campaign_response resp on resp.campaign_id = r.campaign_id and resp.actor_id = r.actor_id
            where r.token_hash = @hash
            """,
            new { hash = CampaignTokens.Hash(token) }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var campaign = (await connection.QueryFirstAsync<Campaign>(new CommandDefinition(
            "select id, title, year, population, opens_on, closes_on, invitations_sent_at from campaign where id = @id",
            new { id = row.CampaignId }, cancellationToken: cancellationToken)));
        var proposed = row.ListingChanges is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string?>>(row.ListingChanges) ?? [];
        string? Field(string name, string? current) => proposed.TryGetValue(name, out var value) ? value : current;
        var form = new QuestionnaireForm
        {
            ShortDescription = Field("shortDescription", row.ShortDescription),
            Address = Field("address", row.Address),
            Website = Field("website", row.Website),
            Email = Field("email", row.Email),
            Phone = Field("phone", row.Phone),
            Active = row.Active,
            Audiences = row.Audiences?.ToList() ?? [],
            ActionsCount = row.ActionsCount,
            Attendance = row.Attendance,
            DurationHours = row.DurationHours?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture),
            Comment = row.Comment,
        };
        return new Questionnaire(campaign, row.ActorId, row.Name, form, row.Active is not null, campaign.IsOpenOn(Today()));
    }

    public async Task<QuestionnaireOutcome> SubmitAsync(string token, QuestionnaireForm form, CancellationToken cancellationToken)
    {
        if (!CampaignTokens.IsWellFormed(token))
        {
            return QuestionnaireOutcome.UnknownLink;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var target = await connection.QueryFirstOrDefaultAsync<(long CampaignId, long ActorId, DateOnly OpensOn, DateOnly ClosesOn)>(new CommandDefinition(
            """
            select r.campaign_id, r.actor_id, c.opens_on, c.closes_on
            from campaign_recipient r join campaign c on c.id = r.campaign_id
            where r.token_hash = @hash
            for update of r
            """,
            new { hash = CampaignTokens.Hash(token) }, transaction, cancellationToken: cancellationToken));
        if (target.CampaignId == 0)
        {
            return QuestionnaireOutcome.UnknownLink;
        }

        var today = Today();
        if (today < target.OpensOn || today > target.ClosesOn)
        {
            return QuestionnaireOutcome.Closed;
        }

        var current = await connection.QueryFirstAsync<(string? ShortDescription, string? Address, string? Website, string? Email, string? Phone)>(new CommandDefinition(
            "select short_description, address, website, email, phone from actor where id = @id",
            new { id = target.ActorId }, transaction, cancellationToken: cancellationToken));
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Compare(string name, string? before, string? after)
        {
            var cleaned = string.IsNullOrWhiteSpace(after) ? null : after.Trim();
            if (!string.Equals(before ?? null, cleaned, StringComparison.Ordinal))
            {
                changes[name] = cleaned;
            }
        }

        Compare("shortDescription", current.ShortDescription, form.ShortDescription);
        Compare("address", current.Address, form.Address);
        Compare("website", current.Website, form.Website);
        Compare("email", current.Email, form.Email);
        Compare("phone", current.Phone, form.Phone);

        var changesJson = JsonSerializer.Serialize(changes);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into campaign_response (campaign_id, actor_id, submitted_at, active, audiences, actions_count, attendance,
                                           duration_hours, comment, listing_changes)
            values (@campaignId, @actorId, @now, @active, @audiences, @actionsCount, @attendance, @durationHours,
                    nullif(btrim(@comment), ''), @changes::jsonb)
            on conflict (campaign_id, actor_id) do update set
                submitted_at = excluded.submitted_at, active = excluded.active, audiences = excluded.audiences,
                actions_count = excluded.actions_count, attendance = excluded.attendance,
                duration_hours = excluded.duration_hours, comment = excluded.comment,
                listing_changes = excluded.listing_changes;
            update campaign_recipient set responded_at = coalesce(responded_at, @now)
            where campaign_id = @campaignId and actor_id = @actorId;
            """,
            new
            {
                target.CampaignId,
                target.ActorId,
                now = clock.GetUtcNow(),
                active = form.Active!.Value,
                audiences = form.Audiences.Distinct(StringComparer.Ordinal).ToArray(),
                form.ActionsCount,
                form.Attendance,
                durationHours = form.DurationHoursValue(),
                comment = form.Comment ?? string.Empty,
                changes = changesJson,
            },
            transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry("campaign.response.submitted", "actor", target.ActorId, null,
            changes, Message: $"campagne {target.CampaignId}"), null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return QuestionnaireOutcome.Saved;
    }

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Paris).DateTime);

    private sealed class QuestionnaireRow
    {
        public long CampaignId { get; init; }
        public long ActorId { get; init; }
        public required string Name { get; init; }
        public string? ShortDescription { get; init; }
        public string? Address { get; init; }
        public string? Website { get; init; }
        public string? Email { get; init; }
        public string? Phone { get; init; }
        public bool? Active { get; init; }
        public string[]? Audiences { get; init; }
        public int? ActionsCount { get; init; }
        public int? Attendance { get; init; }
        public decimal? DurationHours { get; init; }
        public string? Comment { get; init; }
        public string? ListingChanges { get; init; }
    }
}
