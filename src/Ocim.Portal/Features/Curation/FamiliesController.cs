using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Curation;

public sealed class FamilyRow
{
    public int Id { get; init; }
    public required string Slug { get; init; }
    public required string Name { get; init; }
    public short DefaultCircle { get; init; }
    public int SortOrder { get; init; }
    public long Listings { get; init; }
}

public sealed record FamiliesPage(IReadOnlyList<FamilyRow> Families, string? Error, int? ErrorFamily);

/// <summary>
/// The curated list of families (types of structure), /gestion/familles: add, rename, reorder, set the default
/// circle, delete an unused one. The slug, used in filters, URLs and import files, is set once from the first name.
/// </summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class FamiliesController(NpgsqlDataSource dataSource) : Controller
{
    [HttpGet("/gestion/familles")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => await PageAsync(null, null, StatusCodes.Status200OK, cancellationToken);

    [HttpPost("/gestion/familles")]
    public async Task<IActionResult> Add([FromForm(Name = "nom")] string? name, [FromForm(Name = "cercle")] short circle, [FromForm(Name = "ordre")] int? order, CancellationToken cancellationToken)
    {
        if (Check(name, circle) is { } error)
        {
            return await PageAsync(error, 0, StatusCodes.Status400BadRequest, cancellationToken);
        }

        name = name!.Trim();
        var slug = ActorLinks.Slug(name);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            """
            insert into actor_family (slug, name, default_circle, sort_order)
            values (@slug, @name, @circle, coalesce(@order, (select coalesce(max(sort_order), 0) + 10 from actor_family where sort_order < 999)))
            on conflict do nothing
            returning id
            """,
            new { slug, name, circle, order }, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            return await PageAsync($"Une famille porte déjà ce nom (ou l'identifiant « {slug} »).", 0, StatusCodes.Status409Conflict, cancellationToken);
        }

        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor_family.created", "actor_family", id.Value, ActorAccess.AccountId(User),
            new Dictionary<string, object?> { ["name"] = new { old = (string?)null, @new = name }, ["default_circle"] = new { old = (short?)null, @new = circle } }),
            HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = $"Famille « {name} » ajoutée.";
        return Redirect("/gestion/familles");
    }

    [HttpPost("/gestion/familles/{id:int}")]
    public async Task<IActionResult> Update(int id, [FromForm(Name = "nom")] string? name, [FromForm(Name = "cercle")] short circle, [FromForm(Name = "ordre")] int? order, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<FamilyRow>(new CommandDefinition(
            "select id, slug, name, default_circle, sort_order from actor_family where id = @id for update",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (before is null)
        {
            return NotFound();
        }

        if (Check(name, circle) is { } error)
        {
            return await PageAsync(error, id, StatusCodes.Status400BadRequest, cancellationToken);
        }

        name = name!.Trim();
        var sortOrder = order ?? before.SortOrder;
        var taken = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select from actor_family where name = @name and id <> @id)", new { name, id }, transaction, cancellationToken: cancellationToken));
        if (taken)
        {
            return await PageAsync("Une autre famille porte déjà ce nom.", id, StatusCodes.Status409Conflict, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "update actor_family set name = @name, default_circle = @circle, sort_order = @sortOrder where id = @id",
            new { id, name, circle, sortOrder }, transaction, cancellationToken: cancellationToken));
        var changes = new Dictionary<string, object?>();
        if (before.Name != name)
        {
            changes["name"] = new { old = before.Name, @new = name };
        }

        if (before.DefaultCircle != circle)
        {
            changes["default_circle"] = new { old = before.DefaultCircle, @new = circle };
        }

        if (before.SortOrder != sortOrder)
        {
            changes["sort_order"] = new { old = before.SortOrder, @new = sortOrder };
        }

        if (changes.Count > 0)
        {
            await AuditTrail.WriteAsync(connection, transaction, new AuditEntry("actor_family.updated", "actor_family", id, ActorAccess.AccountId(User), changes),
                HttpContext.TraceIdentifier, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = $"Famille « {name} » enregistrée.";
        return Redirect("/gestion/familles");
    }

    /// <summary>Deleting a family that listings still use is refused, with their count.</summary>
    [HttpPost("/gestion/familles/{id:int}/suppression")]
    public async Task<IActionResult> Delete(int id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var family = await connection.QuerySingleOrDefaultAsync<FamilyRow>(new CommandDefinition(
            "select id, slug, name, default_circle, sort_order from actor_family where id = @id for update",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (family is null)
        {
            return NotFound();
        }

        // The row lock above and the foreign key of actor.family_id: a listing added meanwhile makes the delete fail.
        var used = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from actor where family_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (used > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var count = used.ToString("N0", CultureInfo.GetCultureInfo("fr-FR"));
            return await PageAsync(
                $"La famille « {family.Name} » est utilisée par {count} fiche{(used > 1 ? "s" : "")} (archivées comprises) : rattachez-les à une autre famille avant de la supprimer.",
                id, StatusCodes.Status409Conflict, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition("delete from actor_family where id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "actor_family.deleted", "actor_family", id, ActorAccess.AccountId(User),
            new Dictionary<string, object?> { ["name"] = new { old = family.Name, @new = (string?)null } }, family),
            HttpContext.TraceIdentifier, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = $"Famille « {family.Name} » supprimée.";
        return Redirect("/gestion/familles");
    }

    private static string? Check(string? name, short circle) =>
        string.IsNullOrWhiteSpace(name) ? "Donnez un nom à la famille."
        : name.Trim().Length > 100 ? "Le nom d'une famille est limité à 100 caractères."
        : circle is < 1 or > 3 ? "Choisissez le cercle par défaut : 1, 2 ou 3."
        : null;

    private async Task<IActionResult> PageAsync(string? error, int? errorFamily, int status, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Response.StatusCode = status;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var families = (await connection.QueryAsync<FamilyRow>(new CommandDefinition(
            """
            select f.id, f.slug, f.name, f.default_circle, f.sort_order,
                   (select count(*) from actor a where a.family_id = f.id) as listings
            from actor_family f order by f.sort_order, f.name
            """,
            cancellationToken: cancellationToken))).AsList();
        return View("/Features/Curation/Families.cshtml", new FamiliesPage(families, error, errorFamily));
    }
}
