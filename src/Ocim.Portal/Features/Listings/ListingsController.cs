using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Listings;

public sealed record VocabularyTerm(string Kind, string Slug, string Label);

public sealed record EditListingPage(long ActorId, string ActorName, EditListingForm Form, IReadOnlyList<VocabularyTerm> Vocabulary, bool PublishesAtOnce, string? Problem);

/// <summary>
/// A representative keeps their listing up to date: « Mes fiches » and the listing form. Who may edit is decided by
/// <see cref="ActorAccess"/>; anyone else gets 404, whatever the id (QUALITY S2).
/// </summary>
[Authorize]
public sealed class ListingsController(ActorAccess access, NpgsqlDataSource dataSource) : Controller
{
    [HttpGet("/compte/fiches")]
    public async Task<IActionResult> Mine([FromServices] MyListings myListings, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var page = await myListings.LoadAsync(ActorAccess.AccountId(User)!.Value, cancellationToken);
        return View("Mine", page);
    }

    [HttpGet("/compte/fiches/{id:long}/modifier")]
    public async Task<IActionResult> Edit([FromRoute] long id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var state = await ListingFields.ReadAsync(connection, null, id, forUpdate: false, cancellationToken);
        return state is null ? NotFound() : await PageAsync(id, EditListingForm.From(state), null, cancellationToken);
    }

    [HttpPost("/compte/fiches/{id:long}/modifier")]
    public async Task<IActionResult> EditPost([FromRoute] long id, EditListingForm form, [FromServices] ProposeRevision propose, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        var publishAtOnce = await PublishesAtOnceAsync(id, cancellationToken);
        var result = await propose.ProposeAsync(id, form, ActorAccess.AccountId(User)!.Value, publishAtOnce, HttpContext.TraceIdentifier, ModelState, cancellationToken);
        switch (result)
        {
            case ProposalResult.Pending:
                TempData["Message"] = "Votre proposition est enregistrée : l'équipe de l'Ocim la relira avant publication. Vous serez prévenu·e par e-mail.";
                return Redirect("/compte/fiches");
            case ProposalResult.Published:
                TempData["Message"] = "Vos modifications sont publiées.";
                return Redirect("/compte/fiches");
            case ProposalResult.NoChange:
                return await PageAsync(id, form, "Vous n'avez rien modifié : aucune proposition n'a été enregistrée.", cancellationToken);
            case ProposalResult.Stale:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await PageAsync(id, form, "La fiche a été modifiée depuis que vous avez ouvert ce formulaire. Rouvrez-la pour repartir de sa version actuelle : vos saisies ci-dessous n'ont pas été enregistrées.", cancellationToken);
            default:
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await PageAsync(id, form, null, cancellationToken);
        }
    }

    private Task<bool> PublishesAtOnceAsync(long actorId, CancellationToken cancellationToken) => access.PublishesAtOnceAsync(User, actorId, cancellationToken);

    private async Task<IActionResult> PageAsync(long id, EditListingForm form, string? problem, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var name = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select name from actor where id = @id", new { id }, cancellationToken: cancellationToken));
        var vocabulary = await connection.QueryAsync<VocabularyTerm>(new CommandDefinition(
            "select kind, slug, label from actor_vocabulary order by kind, sort_order", cancellationToken: cancellationToken));
        return View("Edit", new EditListingPage(id, name ?? string.Empty, form, vocabulary.AsList(), await PublishesAtOnceAsync(id, cancellationToken), problem));
    }
}
