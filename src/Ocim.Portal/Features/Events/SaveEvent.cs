using System.Globalization;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Events;

public sealed record SaveResult(long? EventId, IReadOnlyDictionary<string, string> Errors);

/// <summary>
/// Creates or edits an event from the staff form, through EF, with its partners and an audit entry in the same
/// transaction. The database resolves the venue to its commune (trigger); the form checks the references it names
/// (commune, actors) so that a mistake is a French message rather than a foreign-key error.
/// </summary>
public sealed class SaveEvent(PortalDbContext db, NpgsqlDataSource dataSource)
{
    public async Task<SaveResult> RunAsync(long? eventId, EventForm form, long? accountId, CancellationToken cancellationToken)
    {
        var errors = form.Validate();
        var partners = new List<EventPartner>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (!string.IsNullOrWhiteSpace(form.CommuneCode) && !errors.ContainsKey(nameof(form.CommuneCode))
                && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select from commune where code = @code)", new { code = form.CommuneCode.Trim() }, cancellationToken: cancellationToken)))
            {
                errors[nameof(form.CommuneCode)] = "Aucune commune n'a ce code INSEE.";
            }

            async Task<string?> ActorName(long id) => await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "select name from actor where id = @id", new { id }, cancellationToken: cancellationToken));

            if (form.VenueActorId is { } venue && await ActorName(venue) is null)
            {
                errors[nameof(form.VenueActorId)] = "Aucun acteur n'a ce numéro.";
            }

            if (form.OrganiserActorId is { } organiser)
            {
                if (await ActorName(organiser) is { } name)
                {
                    form.OrganiserName ??= name;
                }
                else
                {
                    errors[nameof(form.OrganiserActorId)] = "Aucun acteur n'a ce numéro.";
                }
            }

            foreach (var line in (form.Partners ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var actorId))
                {
                    if (await ActorName(actorId) is { } partnerName)
                    {
                        partners.Add(new EventPartner { Position = partners.Count, ActorId = actorId, Name = partnerName });
                    }
                    else
                    {
                        errors[nameof(form.Partners)] = $"Aucun acteur n'a le numéro {actorId}.";
                    }
                }
                else if (line.Length <= 300)
                {
                    partners.Add(new EventPartner { Position = partners.Count, Name = line });
                }
            }
        }

        if (string.IsNullOrWhiteSpace(form.OrganiserName) && !errors.ContainsKey(nameof(form.OrganiserName)))
        {
            errors[nameof(form.OrganiserName)] = "Indiquez l'organisateur.";
        }

        var slug = string.IsNullOrWhiteSpace(form.Slug) ? EventForm.Slugify(form.Title ?? string.Empty) : form.Slug.Trim();
        if (!errors.ContainsKey(nameof(form.Slug)) && await db.Events.AnyAsync(e => e.Slug == slug && e.Id != (eventId ?? 0), cancellationToken))
        {
            errors[nameof(form.Slug)] = $"L'adresse « {slug} » est déjà prise par un autre événement.";
        }

        if (errors.Count > 0)
        {
            return new SaveResult(null, errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Event entity;
        if (eventId is { } id)
        {
            var found = await db.Events.SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
            if (found is null)
            {
                return new SaveResult(null, new Dictionary<string, string> { ["Event"] = "Cet événement n'existe pas." });
            }

            entity = found;
            // Partners are replaced as a whole: the form lists them all.
            await db.Set<EventPartner>().Where(p => p.EventId == id).ExecuteDeleteAsync(cancellationToken);
        }
        else
        {
            entity = new Event { Slug = slug, Kind = form.Kind!, Title = form.Title!, OrganiserName = form.OrganiserName! };
            db.Events.Add(entity);
        }

        form.ApplyTo(entity);
        entity.Slug = slug;
        entity.Partners.AddRange(partners);
        await db.SaveChangesAsync(cancellationToken);
        var connectionForAudit = (NpgsqlConnection)db.Database.GetDbConnection();
        await AuditTrail.WriteAsync(connectionForAudit, (NpgsqlTransaction)transaction.GetDbTransaction(),
            new AuditEntry(eventId is null ? "event.created" : "event.updated", "event", entity.Id, accountId, Snapshot: new { entity.Slug, entity.Title, entity.Status }),
            null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SaveResult(entity.Id, new Dictionary<string, string>());
    }
}
