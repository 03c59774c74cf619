using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Campaigns;

/// <summary>
/// Defining a campaign, sending its personal links, reminding those who have not answered, logging follow-up calls.
/// Every write is one transaction with its e-mails (outbox) and its audit row.
/// </summary>
public sealed class ManageCampaigns(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public async Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Campaign>(new CommandDefinition(
            "select id, title, year, population, opens_on, closes_on, invitations_sent_at from campaign order by opens_on desc, id desc",
            cancellationToken: cancellationToken))).AsList();
    }

    public async Task<Campaign?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<Campaign>(new CommandDefinition(
            "select id, title, year, population, opens_on, closes_on, invitations_sent_at from campaign where id = @id",
            new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The population's filter, read like the query string of /acteurs (errors in French).</summary>
    public static (ActorFilter Filter, IReadOnlyList<string> Errors) ReadPopulation(string? population)
    {
        var text = (population ?? string.Empty).Trim();
        var queryStart = text.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            text = text[(queryStart + 1)..];
        }

        var (filter, errors) = ActorFilter.Parse(QueryHelpers.ParseQuery(text));
        return (filter.WithoutBbox(), errors);
    }

    public async Task<long> CountPopulationAsync(ActorFilter filter, CancellationToken cancellationToken)
    {
        var sql = ActorFilterSql.For(filter);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
#pragma warning disable CA2100 // The condition is built by ActorFilterSql from constants; values are parameters.
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"select count(*) from actor a where {sql.Where}", sql.Parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
    }

    public async Task<long> CreateAsync(CampaignForm form, ActorFilter population, long? accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into campaign (title, year, population, opens_on, closes_on, created_by)
            values (@title, @year, @population, @opensOn, @closesOn, @accountId) returning id
            """,
            new
            {
                title = form.Title!.Trim(),
                year = (short)form.Year!.Value,
                population = population.ToQueryString().TrimStart('?'),
                opensOn = form.OpensOn!.Value,
                closesOn = form.ClosesOn!.Value,
                accountId,
            },
            transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry("campaign.created", "campaign", id, accountId,
            Snapshot: new { form.Title, form.Year, population = population.ToQueryString(), form.OpensOn, form.ClosesOn }), null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>
    /// Freezes the population into recipients (listings that match the filter now) and writes one personal link per
    /// listing that has an e-mail address. Listings without one are left to the follow-up calls. Sending twice adds
    /// the listings that joined the population since, and mails only them.
    /// </summary>
    public async Task<(int Invited, int WithoutEmail)> SendInvitationsAsync(Campaign campaign, string baseUrl, long? accountId, CancellationToken cancellationToken)
    {
        var (filter, _) = ReadPopulation(campaign.Population);
        var sql = ActorFilterSql.For(filter);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        sql.Parameters.Add("campaign", campaign.Id);
#pragma warning disable CA2100 // The condition is built by ActorFilterSql from constants; values are parameters.
        var added = (await connection.QueryAsync<(long ActorId, string Name, string? Email)>(new CommandDefinition(
            $"""
            insert into campaign_recipient (campaign_id, actor_id, email)
            select @campaign, a.id, nullif(btrim(a.email), '') from actor a where {sql.Where}
            on conflict do nothing
            returning actor_id, (select name from actor where id = actor_id), email
            """,
            sql.Parameters, transaction, cancellationToken: cancellationToken))).AsList();
#pragma warning restore CA2100

        var invited = 0;
        foreach (var (actorId, name, email) in added.Where(r => r.Email is not null && MailAddressRules.IsValid(r.Email)))
        {
            var token = CampaignTokens.New();
            await connection.ExecuteAsync(new CommandDefinition(
                "update campaign_recipient set token_hash = @hash, invited_at = @now where campaign_id = @campaign and actor_id = @actorId",
                new { hash = CampaignTokens.Hash(token), now = clock.GetUtcNow(), campaign = campaign.Id, actorId },
                transaction, cancellationToken: cancellationToken));
            await Outbox.EnqueueAsync(connection, transaction, new MailRequest(
                "campaign-invitation",
                email!,
                $"Enquête {campaign.Year} de l'Ocim : « {name} »",
                InvitationText(campaign, name, $"{baseUrl}/questionnaire/{token}", reminder: false),
                $"campaign:{campaign.Id}:invite:{actorId}"), cancellationToken);
            invited++;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "update campaign set invitations_sent_at = coalesce(invitations_sent_at, @now) where id = @id",
            new { id = campaign.Id, now = clock.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry("campaign.invitations.sent", "campaign", campaign.Id, accountId,
            new { recipients = added.Count, invited }), null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (invited, added.Count - invited);
    }

    /// <summary>
    /// A new link for every invited listing that has not answered (the previous link stops working: only one is
    /// valid at a time), one reminder e-mail each.
    /// </summary>
    public async Task<int> SendRemindersAsync(Campaign campaign, string baseUrl, long? accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = (await connection.QueryAsync<(long ActorId, string Name, string Email, short Reminders)>(new CommandDefinition(
            """
            select r.actor_id, a.name, r.email, r.reminders from campaign_recipient r join actor a on a.id = r.actor_id
            where r.campaign_id = @campaign and r.responded_at is null and r.invited_at is not null
            order by r.actor_id
            for update of r
            """,
            new { campaign = campaign.Id }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var (actorId, name, email, reminders) in pending)
        {
            var token = CampaignTokens.New();
            await connection.ExecuteAsync(new CommandDefinition(
                """
                update campaign_recipient set token_hash = @hash, reminded_at = @now, reminders = reminders + 1
                where campaign_id = @campaign and actor_id = @actorId
                """,
                new { hash = CampaignTokens.Hash(token), now = clock.GetUtcNow(), campaign = campaign.Id, actorId },
                transaction, cancellationToken: cancellationToken));
            await Outbox.EnqueueAsync(connection, transaction, new MailRequest(
                "campaign-reminder",
                email,
                $"Rappel : enquête {campaign.Year} de l'Ocim, « {name} »",
                InvitationText(campaign, name, $"{baseUrl}/questionnaire/{token}", reminder: true),
                $"campaign:{campaign.Id}:remind:{actorId}:{reminders + 1}"), cancellationToken);
        }

        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry("campaign.reminders.sent", "campaign", campaign.Id, accountId,
            new { reminded = pending.Count }), null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pending.Count;
    }

    /// <summary>Records a follow-up call; false when the listing is not in the campaign.</summary>
    public async Task<bool> LogCallAsync(long campaignId, CallForm form, long? accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into campaign_call (campaign_id, actor_id, account_id, outcome, note)
            select campaign_id, actor_id, @accountId, @outcome, nullif(btrim(@note), '') from campaign_recipient
            where campaign_id = @campaignId and actor_id = @actorId
            """,
            new { campaignId, actorId = form.ActorId, accountId, outcome = form.Outcome, note = form.Note ?? string.Empty },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>Listings of the campaign that have not answered, with their calls, for the follow-up page.</summary>
    public async Task<IReadOnlyList<PendingRecipient>> PendingAsync(long campaignId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<PendingRecipient>(new CommandDefinition(
            """
            select a.id as actor_id, a.name, a.phone, r.email, r.reminders,
                   (select count(*) from campaign_call c where c.campaign_id = r.campaign_id and c.actor_id = r.actor_id) as calls,
                   (select c.outcome from campaign_call c where c.campaign_id = r.campaign_id and c.actor_id = r.actor_id
                    order by c.at desc, c.id desc limit 1) as last_outcome
            from campaign_recipient r join actor a on a.id = r.actor_id
            where r.campaign_id = @campaignId and r.responded_at is null
            order by r.email is not null, a.name, a.id
            limit 500
            """,
            new { campaignId }, cancellationToken: cancellationToken))).AsList();
    }

    private static string InvitationText(Campaign campaign, string name, string link, bool reminder) =>
        string.Create(French, $"""
            Bonjour,

            {(reminder ? "Nous n'avons pas encore reçu votre réponse à" : "L'Ocim vous invite à répondre à")} l'enquête « {campaign.Title} » pour « {name} ».
            Elle porte sur l'année {campaign.Year} : l'activité de culture scientifique, les publics touchés, la fréquentation
            et la durée des actions. Le questionnaire reprend votre fiche de l'inventaire : corrigez ce qui a changé.

            Votre lien personnel (ne le transmettez pas) :
            {link}
            {(reminder ? "Ce lien remplace celui du message précédent, qui ne fonctionne plus." : string.Empty)}
            L'enquête est ouverte jusqu'au {campaign.ClosesOn.ToString("d MMMM yyyy", French)}.

            Merci de votre participation,
            L'équipe de l'Ocim
            """);
}

public sealed record PendingRecipient(long ActorId, string Name, string? Phone, string? Email, short Reminders, long Calls, string? LastOutcome);
