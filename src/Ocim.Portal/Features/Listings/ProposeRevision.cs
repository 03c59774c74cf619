using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Npgsql;
using Ocim.Portal.Features.Moderation;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Listings;

public enum ProposalResult
{
    Invalid,
    Stale,
    NoChange,
    Pending,
    Published,
}

/// <summary>
/// A representative's (or a curator's) change of a listing, stored as a pending revision holding only the fields that
/// differ from the listing as it was when the form was opened. The public page is unchanged until a curator approves
/// it; a trusted representative's or a staff member's revision is approved in the same transaction (and audited
/// the same way). The same person's older pending revision of the listing is superseded.
/// </summary>
public sealed class ProposeRevision(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly string[] LocationColumns = ["longitude", "latitude", "commune_code", "location_approximate"];

    public async Task<ProposalResult> ProposeAsync(long actorId, EditListingForm form, long accountId, bool publishAtOnce, string? requestId, ModelStateDictionary modelState, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var proposed = form.ToFields();
        await CheckVocabulariesAsync(connection, form, modelState, cancellationToken);
        if (form.Email is { Length: > 0 } email && !MailAddressRules.IsValid(email.Trim()))
        {
            modelState.AddModelError(nameof(form.Email), "Cette adresse électronique n'est pas valable.");
        }

        foreach (var link in proposed["social_links"]!.AsArray())
        {
            if (!Uri.TryCreate(link!.GetValue<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                modelState.AddModelError(nameof(form.SocialLinks), "Chaque lien de réseau social commence par http:// ou https://, un par ligne.");
                break;
            }
        }

        await ResolveLocationAsync(connection, form, proposed, modelState, cancellationToken);
        if (!modelState.IsValid)
        {
            return ProposalResult.Invalid;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await ListingFields.ReadAsync(connection, transaction, actorId, forUpdate: true, cancellationToken);
        if (current is null)
        {
            return ProposalResult.Invalid;
        }

        if (current.Version != form.BaseVersion)
        {
            return ProposalResult.Stale;
        }

        ListingFields.KeepUnmovedLocation(current.Fields, proposed);
        var changes = ListingFields.Diff(current.Fields, proposed);
        if (changes.Count == 0)
        {
            return ProposalResult.NoChange;
        }

        var changed = new JsonObject();
        foreach (var change in changes)
        {
            changed[change.Column] = change.New?.DeepClone();
        }

        // A location travels whole: the point, its commune and whether it is the commune's centre.
        if (changes.Any(c => LocationColumns.Contains(c.Column)))
        {
            foreach (var column in LocationColumns)
            {
                changed[column] = proposed[column]?.DeepClone();
            }
        }

        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            update actor_revision set status = 'superseded', decided_at = @now, version = version + 1
            where actor_id = @actorId and proposed_by = @accountId and status = 'pending'
            """,
            new { actorId, accountId, now },
            transaction,
            cancellationToken: cancellationToken));
        var revisionId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into actor_revision (actor_id, fields, base_version, proposed_by, proposed_at)
            values (@actorId, @fields::jsonb, @baseVersion, @accountId, @now)
            returning id
            """,
            new { actorId, fields = changed.ToJsonString(), baseVersion = current.Version, accountId, now },
            transaction,
            cancellationToken: cancellationToken));

        if (publishAtOnce)
        {
            var outcome = await DecideRevision.ApproveInTransactionAsync(connection, transaction, revisionId, 1, accountId, null, automatic: true, now, requestId, cancellationToken);
            if (outcome.Result != DecisionResult.Done)
            {
                modelState.AddModelError(string.Empty, outcome.Message ?? "La modification n'a pas pu être publiée.");
                return ProposalResult.Invalid;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return publishAtOnce ? ProposalResult.Published : ProposalResult.Pending;
    }

    private static async Task CheckVocabulariesAsync(NpgsqlConnection connection, EditListingForm form, ModelStateDictionary modelState, CancellationToken cancellationToken)
    {
        var known = (await connection.QueryAsync<(string Kind, string Slug)>(new CommandDefinition(
            "select kind, slug from actor_vocabulary", cancellationToken: cancellationToken))).ToHashSet();
        foreach (var (kind, values, field) in new[] { ("action", form.ActionTypes, nameof(form.ActionTypes)), ("theme", form.Themes, nameof(form.Themes)), ("audience", form.Audiences, nameof(form.Audiences)) })
        {
            if (values.Any(v => !known.Contains((kind, v))))
            {
                modelState.AddModelError(field, "Choisissez parmi les valeurs proposées.");
            }
        }
    }

    private static async Task ResolveLocationAsync(NpgsqlConnection connection, EditListingForm form, JsonObject proposed, ModelStateDictionary modelState, CancellationToken cancellationToken)
    {
        switch (form.Location)
        {
            case EditListingForm.ByCommune:
                var centre = string.IsNullOrWhiteSpace(form.CommuneCode)
                    ? null
                    : await connection.QueryFirstOrDefaultAsync<CommuneCentre>(new CommandDefinition(
                        "select st_x(centre) as longitude, st_y(centre) as latitude from commune where code = @code",
                        new { code = form.CommuneCode.Trim() },
                        cancellationToken: cancellationToken));
                if (centre is null)
                {
                    modelState.AddModelError(nameof(form.CommuneCode), "Indiquez le code INSEE d'une commune française.");
                    return;
                }

                proposed["longitude"] = centre.Longitude;
                proposed["latitude"] = centre.Latitude;
                proposed["commune_code"] = form.CommuneCode!.Trim();
                proposed["location_approximate"] = true;
                return;

            case EditListingForm.NoLocation:
                proposed["longitude"] = null;
                proposed["latitude"] = null;
                proposed["commune_code"] = null;
                proposed["location_approximate"] = false;
                return;

            default:
                if (!EditListingForm.TryParseDegrees(form.Latitude, -90, 90, out var latitude))
                {
                    modelState.AddModelError(nameof(form.Latitude), "Indiquez la latitude en degrés décimaux (par exemple 47,3220).");
                }

                if (!EditListingForm.TryParseDegrees(form.Longitude, -180, 180, out var longitude))
                {
                    modelState.AddModelError(nameof(form.Longitude), "Indiquez la longitude en degrés décimaux (par exemple 5,0415).");
                }

                if (!modelState.IsValid)
                {
                    return;
                }

                // The commune is the database's answer for the point, never the form's CommuneCode.
                var commune = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
                    "select commune_code from resolve_territory(@longitude, @latitude)",
                    new { longitude, latitude },
                    cancellationToken: cancellationToken));
                if (commune is null)
                {
                    modelState.AddModelError(nameof(form.Latitude), "Ce point n'est dans aucune commune française : vérifiez la latitude et la longitude.");
                    return;
                }

                proposed["longitude"] = longitude;
                proposed["latitude"] = latitude;
                proposed["commune_code"] = commune;
                proposed["location_approximate"] = false;
                return;
        }
    }

    private sealed class CommuneCentre
    {
        public double Longitude { get; init; }
        public double Latitude { get; init; }
    }
}
