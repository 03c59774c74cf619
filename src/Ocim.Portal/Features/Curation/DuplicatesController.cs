using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Audit;

namespace Ocim.Portal.Features.Curation;

public sealed record DepartmentChoice(string Code, string Name);

public sealed record DuplicatesPageModel(DuplicatePage Page, int PageNumber, string? Department, IReadOnlyList<DepartmentChoice> Departments);

public sealed record MergePageModel(MergeComparison Comparison, string? Error);

/// <summary>Duplicate suggestions, « pas un doublon », and the merge of two listings (/gestion/doublons).</summary>
[Authorize(Policy = PortalPolicies.Staff)]
public sealed class DuplicatesController(NpgsqlDataSource dataSource, ActorAccess access) : Controller
{
    internal const string SameListing = "Une fiche ne peut pas être fusionnée avec elle-même : choisissez deux fiches différentes.";
    internal const string AlreadyMerged = "L'une des deux fiches a déjà été fusionnée dans une autre : elle ne peut plus l'être. Fusionnez plutôt la fiche qui l'a reçue.";

    [HttpGet("/gestion/doublons")]
    public async Task<IActionResult> Index([FromQuery(Name = "departement")] string? department, [FromQuery] int page, [FromServices] FindDuplicates find, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var scope = await CuratorScope.ReadAsync(connection, User, cancellationToken);
        var departments = (await connection.QueryAsync<DepartmentChoice>(new CommandDefinition(
            """
            select d.code, d.name from department d
            where (@scopeRegion::text is null or d.region_code = @scopeRegion) and (@scopeDepartment::text is null or d.code = @scopeDepartment)
            order by d.code
            """,
            new { scopeRegion = scope.RegionCode, scopeDepartment = scope.DepartmentCode }, cancellationToken: cancellationToken))).AsList();
        department ??= scope.DepartmentCode;
        if (department is not null && departments.All(d => d.Code != department))
        {
            department = null;
        }

        page = Math.Clamp(page, 1, 1000);
        var found = await find.FindAsync(scope, department, page, cancellationToken);
        return View("/Features/Curation/Duplicates.cshtml", new DuplicatesPageModel(found, page, department, departments));
    }

    /// <summary>« Pas un doublon »: remembered for the pair (ids ordered), which then leaves the suggestions.</summary>
    [HttpPost("/gestion/doublons/pas-un-doublon")]
    public async Task<IActionResult> NotDuplicate([FromForm] long a, [FromForm] long b, [FromForm(Name = "departement")] string? department, CancellationToken cancellationToken)
    {
        if (a == b || a <= 0 || b <= 0)
        {
            return BadRequest("Choisissez deux fiches différentes.");
        }

        if (!await access.CanEditAsync(User, a, cancellationToken) || !await access.CanEditAsync(User, b, cancellationToken))
        {
            return NotFound();
        }

        var (low, high) = (Math.Min(a, b), Math.Max(a, b));
        var accountId = ActorAccess.AccountId(User);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var added = await connection.ExecuteAsync(new CommandDefinition(
            "insert into actor_not_duplicate (actor_low, actor_high, account_id) values (@low, @high, @accountId) on conflict do nothing",
            new { low, high, accountId }, transaction, cancellationToken: cancellationToken));
        if (added > 0)
        {
            foreach (var (id, otherId) in new[] { (low, high), (high, low) })
            {
                await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
                    "actor.not_duplicate", "actor", id, accountId, new Dictionary<string, object> { ["pas_un_doublon"] = otherId },
                    Message: $"Pas un doublon de la fiche {otherId.ToString(System.Globalization.CultureInfo.InvariantCulture)}."),
                    HttpContext.TraceIdentifier, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        TempData["Message"] = "C'est noté : ces deux fiches ne seront plus proposées comme doublons.";
        return Redirect(department is { Length: > 0 } d && d.All(c => char.IsAsciiLetterOrDigit(c))
            ? $"/gestion/doublons?departement={d}" : "/gestion/doublons");
    }

    /// <summary>The two listings side by side; for each field, which value survives (the survivor's by default).</summary>
    [HttpGet("/gestion/doublons/fusion")]
    public async Task<IActionResult> Compare([FromQuery] long a, [FromQuery] long b, [FromServices] MergeActors merge, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, a, cancellationToken) || !await access.CanEditAsync(User, b, cancellationToken))
        {
            return NotFound();
        }

        var comparison = await merge.CompareAsync(a, b, cancellationToken);
        if (comparison is null)
        {
            return NotFound();
        }

        string? error = a == b ? SameListing
            : comparison.Left.MergedInto is not null || comparison.Right.MergedInto is not null ? AlreadyMerged
            : null;
        if (error is not null)
        {
            Response.StatusCode = a == b ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        }

        return View("/Features/Curation/Merge.cshtml", new MergePageModel(comparison, error));
    }

    /// <summary>
    /// Merges: <c>garder</c> is the survivor, <c>fusionner</c> the listing absorbed; each field named in
    /// <c>prendre</c> takes the absorbed listing's value.
    /// </summary>
    [HttpPost("/gestion/doublons/fusion")]
    public async Task<IActionResult> Merge(
        [FromForm(Name = "garder")] long survivor,
        [FromForm(Name = "fusionner")] long other,
        [FromForm(Name = "prendre")] string[]? take,
        [FromServices] MergeActors merge,
        CancellationToken cancellationToken)
    {
        if (survivor <= 0 || other <= 0)
        {
            return BadRequest("Choisissez la fiche à garder et celle à fusionner.");
        }

        if (!await access.CanEditAsync(User, survivor, cancellationToken) || !await access.CanEditAsync(User, other, cancellationToken))
        {
            return NotFound();
        }

        var known = MergeActors.Fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var fields = (take ?? []).Where(known.Contains).ToHashSet(StringComparer.Ordinal);
        var outcome = await merge.MergeAsync(survivor, other, fields, ActorAccess.AccountId(User)!.Value, HttpContext.TraceIdentifier, cancellationToken);
        switch (outcome)
        {
            case MergeOutcome.Merged:
                TempData["Message"] = "Les deux fiches ont été fusionnées. L'ancienne adresse de la fiche fusionnée mène désormais à celle-ci.";
                return Redirect($"/gestion/doublons/fusion/{survivor.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            case MergeOutcome.NotFound:
                return NotFound();
            default:
                var comparison = await merge.CompareAsync(survivor, other, cancellationToken);
                if (comparison is null)
                {
                    return NotFound();
                }

                Response.StatusCode = outcome == MergeOutcome.SameListing ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
                return View("/Features/Curation/Merge.cshtml", new MergePageModel(comparison, outcome == MergeOutcome.SameListing ? SameListing : AlreadyMerged));
        }
    }

    /// <summary>After a merge: the survivor and its history.</summary>
    [HttpGet("/gestion/doublons/fusion/{id:long}")]
    public async Task<IActionResult> Merged(long id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await access.CanEditAsync(User, id, cancellationToken))
        {
            return NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var name = await connection.ExecuteScalarAsync<string>(new CommandDefinition("select name from actor where id = @id", new { id }, cancellationToken: cancellationToken));
        var history = await AuditTrail.HistoryAsync(connection, "actor", id, cancellationToken);
        return View("/Features/Curation/Merged.cshtml", (id, name!, history));
    }
}
