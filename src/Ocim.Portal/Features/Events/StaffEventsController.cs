using System.Text;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Accounts;

namespace Ocim.Portal.Features.Events;

/// <summary>A line of the staff's list of events.</summary>
public sealed record StaffEventLine(long Id, string Slug, string Title, string Status, DateTime? FirstStart, int Sessions, int Confirmed, int Capacity, int Waitlisted);

/// <summary>The staff's event page: the form, the sessions, the actions.</summary>
public sealed record StaffEventPage(long? Id, EventForm Form, IReadOnlyDictionary<string, string> Errors, IReadOnlyList<SessionSeats> Sessions, EventChoices Choices, string? Message);

public sealed record StaffRegistrantsPage(long EventId, string Slug, string Title, IReadOnlyList<RegistrantRow> Rows);

/// <summary>
/// Staff pages of the events (/gestion/evenements), curators and administrators only: create and edit events and
/// sessions, change capacity, close registrations, cancel an event, see, export and mark registrants, the IRC.
/// </summary>
[Authorize(Policy = PortalPolicies.Staff)]
[Route("/gestion/evenements")]
public sealed class StaffEventsController(NpgsqlDataSource dataSource) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lines = await connection.QueryAsync<StaffEventLine>(new CommandDefinition("""
            select e.id, e.slug, e.title, e.status, min(s.starts_at) as first_start, count(s.id)::int as sessions,
                   coalesce(sum(s.confirmed), 0)::int as confirmed, coalesce(sum(s.capacity), 0)::int as capacity,
                   (select count(*) from registration r join event_session s2 on s2.id = r.session_id
                    where s2.event_id = e.id and r.status = 'waitlisted')::int as waitlisted
            from event e left join event_session s on s.event_id = e.id
            group by e.id order by min(s.starts_at) desc nulls first, e.id desc
            """, cancellationToken: cancellationToken));
        NoStore();
        return View(EventViews.Path("StaffIndex"), lines.ToList());
    }

    [HttpGet("nouveau")]
    public async Task<IActionResult> New([FromServices] ListEventChoices choices, CancellationToken cancellationToken)
    {
        NoStore();
        var form = new EventForm { Kind = "atelier", Status = EventStatus.Draft, AttendanceMode = EventAttendance.InPerson, OrganiserName = "Ocim" };
        return View(EventViews.Path("StaffEdit"), new StaffEventPage(null, form, new Dictionary<string, string>(), [], await choices.ListAsync(cancellationToken), null));
    }

    [HttpPost("nouveau")]
    public async Task<IActionResult> Create([FromForm] EventForm form, [FromServices] SaveEvent save, [FromServices] ListEventChoices choices, CancellationToken cancellationToken)
    {
        var result = await save.RunAsync(null, form, ActorAccess.AccountId(User), cancellationToken);
        if (result.EventId is { } id)
        {
            return SeeOther($"/gestion/evenements/{id}");
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(EventViews.Path("StaffEdit"), new StaffEventPage(null, form, result.Errors, [], await choices.ListAsync(cancellationToken), null));
    }

    [HttpGet("{id:long}")]
    public async Task<IActionResult> Edit(long id, [FromServices] PortalDbContext db, [FromServices] ListEventChoices choices, CancellationToken cancellationToken)
    {
        var entity = await db.Events.AsNoTracking().Include(e => e.Partners).SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entity is null)
        {
            return NotFound();
        }

        NoStore();
        return View(EventViews.Path("StaffEdit"), new StaffEventPage(id, EventForm.From(entity), new Dictionary<string, string>(), await SessionsAsync(id, cancellationToken),
            await choices.ListAsync(cancellationToken), TempData["message"] as string));
    }

    [HttpPost("{id:long}")]
    public async Task<IActionResult> Update(long id, [FromForm] EventForm form, [FromServices] SaveEvent save, [FromServices] ListEventChoices choices, CancellationToken cancellationToken)
    {
        var result = await save.RunAsync(id, form, ActorAccess.AccountId(User), cancellationToken);
        if (result.EventId is not null)
        {
            return Done(id, "Les modifications sont enregistrées.");
        }

        if (result.Errors.ContainsKey("Event"))
        {
            return NotFound();
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(EventViews.Path("StaffEdit"), new StaffEventPage(id, form, result.Errors, await SessionsAsync(id, cancellationToken), await choices.ListAsync(cancellationToken), null));
    }

    [HttpPost("{id:long}/seances")]
    public async Task<IActionResult> AddSession(long id, [FromForm] DateTime? startsAt, [FromForm] DateTime? endsAt, [FromForm] int? capacity, [FromServices] AddSession add, CancellationToken cancellationToken)
    {
        var error = await add.RunAsync(id, startsAt, endsAt, capacity, cancellationToken);
        return error is null ? Done(id, "La séance est ajoutée.") : await Refused(id, error, cancellationToken);
    }

    [HttpPost("{id:long}/seances/{sessionId:long}/capacite")]
    public async Task<IActionResult> ChangeCapacity(long id, long sessionId, [FromForm] int? capacity, [FromServices] ChangeSessionCapacity change, CancellationToken cancellationToken)
    {
        if (capacity is not ({ } seats and >= 0 and <= 100_000))
        {
            return await Refused(id, "Indiquez un nombre de places (0 ou plus).", cancellationToken);
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select from event_session where id = @sessionId and event_id = @id)", new { id, sessionId }, cancellationToken: cancellationToken)))
            {
                return NotFound();
            }
        }

        var result = await change.RunAsync(sessionId, seats, MailSiteUrl(), cancellationToken);
        return result.Result switch
        {
            CapacityChangeResult.Changed => Done(id, result.Promoted switch
            {
                0 => "La capacité est modifiée.",
                1 => "La capacité est modifiée ; 1 personne de la liste d'attente a reçu une place et en est prévenue.",
                var n => $"La capacité est modifiée ; {n} personnes de la liste d'attente ont reçu une place et en sont prévenues.",
            }),
            CapacityChangeResult.BelowConfirmed => await Refused(id,
                $"Impossible de descendre à {seats} places : {result.Confirmed} personnes ont déjà une place confirmée. Annulez d'abord des inscriptions, ou gardez au moins {result.Confirmed} places.", cancellationToken),
            CapacityChangeResult.Busy => await Refused(id, "La séance est très sollicitée en ce moment : réessayez dans quelques secondes.", cancellationToken, StatusCodes.Status503ServiceUnavailable),
            _ => NotFound(),
        };
    }

    [HttpPost("{id:long}/cloturer")]
    public async Task<IActionResult> Close(long id, [FromServices] CloseRegistrations close, CancellationToken cancellationToken) =>
        await close.RunAsync(id, cancellationToken) ? Done(id, "Les inscriptions sont closes.") : NotFound();

    [HttpPost("{id:long}/annuler")]
    public async Task<IActionResult> Cancel(long id, [FromServices] CancelEvent cancel, CancellationToken cancellationToken) =>
        await cancel.RunAsync(id, MailSiteUrl(), cancellationToken) is { } told
            ? Done(id, told == 1 ? "L'événement est annulé ; 1 personne inscrite en est prévenue par courriel." : $"L'événement est annulé ; {told} personnes inscrites en sont prévenues par courriel.")
            : NotFound();

    [HttpGet("{id:long}/inscrits")]
    public async Task<IActionResult> Registrants(long id, [FromServices] Registrants registrants, CancellationToken cancellationToken)
    {
        var header = await HeaderAsync(id, cancellationToken);
        if (header is null)
        {
            return NotFound();
        }

        NoStore();
        return View(EventViews.Path("StaffRegistrants"), new StaffRegistrantsPage(id, header.Slug, header.Title, await registrants.ListAsync(id, cancellationToken)));
    }

    [HttpGet("{id:long}/inscrits.csv")]
    public async Task<IActionResult> RegistrantsCsv(long id, [FromServices] Registrants registrants, CancellationToken cancellationToken)
    {
        var header = await HeaderAsync(id, cancellationToken);
        if (header is null)
        {
            return NotFound();
        }

        var rows = await registrants.ListAsync(id, cancellationToken);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await Audit.AuditTrail.WriteAsync(connection, null, new Audit.AuditEntry("event.registrants.exported", "event", id, ActorAccess.AccountId(User),
                Message: $"{rows.Count} inscriptions exportées"), HttpContext.TraceIdentifier, cancellationToken);
        }

        NoStore();
        return File(Encoding.UTF8.GetBytes(Events.Registrants.ToCsv(rows)), "text/csv; charset=utf-8", $"inscrits-{header.Slug}.csv");
    }

    [HttpPost("{id:long}/presences")]
    public async Task<IActionResult> Attendance(long id, [FromForm(Name = "present")] long[]? present, [FromServices] Registrants registrants, CancellationToken cancellationToken)
    {
        if (await HeaderAsync(id, cancellationToken) is null)
        {
            return NotFound();
        }

        await registrants.MarkAttendanceAsync(id, present ?? [], cancellationToken);
        TempData["message"] = "Les présences sont enregistrées.";
        return SeeOther($"/gestion/evenements/{id}/inscrits");
    }

    [HttpGet("irc")]
    public async Task<IActionResult> Irc([FromServices] ComputeIrc compute, CancellationToken cancellationToken)
    {
        NoStore();
        return View(EventViews.Path("StaffIrc"), await compute.RunAsync(cancellationToken));
    }

    [HttpGet("irc.csv")]
    public async Task<IActionResult> IrcCsv([FromServices] ComputeIrc compute, CancellationToken cancellationToken)
    {
        var report = await compute.RunAsync(cancellationToken);
        var french = EventTime.French;
        var text = new StringBuilder("\uFEFF");
        text.Append("regroupement;clé;libellé;séances;présences;heures;IRC\r\n");
        foreach (var (group, rows) in new[] { ("événement", report.ByEvent), ("organisateur", report.ByOrganiser), ("territoire", report.ByTerritory), ("année", report.ByYear) })
        {
            foreach (var row in rows)
            {
                text.Append(group).Append(';').Append(Actors.ExportActorsCsv.Escape(row.Key)).Append(';').Append(Actors.ExportActorsCsv.Escape(row.Label)).Append(';')
                    .Append(row.Sessions.ToString(french)).Append(';').Append(row.Attendance.ToString(french)).Append(';')
                    .Append(row.Hours.ToString("0.##", french)).Append(';').Append(row.Irc.ToString("0.##", french)).Append("\r\n");
            }
        }

        NoStore();
        return File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", "irc-evenements.csv");
    }

    private async Task<IActionResult> Refused(long id, string message, CancellationToken cancellationToken, int status = StatusCodes.Status400BadRequest)
    {
        var db = HttpContext.RequestServices.GetRequiredService<PortalDbContext>();
        var entity = await db.Events.AsNoTracking().Include(e => e.Partners).SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entity is null)
        {
            return NotFound();
        }

        Response.StatusCode = status;
        var choices = await HttpContext.RequestServices.GetRequiredService<ListEventChoices>().ListAsync(cancellationToken);
        return View(EventViews.Path("StaffEdit"), new StaffEventPage(id, EventForm.From(entity), new Dictionary<string, string> { ["Action"] = message },
            await SessionsAsync(id, cancellationToken), choices, null));
    }

    private StatusCodeResult Done(long id, string message)
    {
        TempData["message"] = message;
        return SeeOther($"/gestion/evenements/{id}");
    }

    private async Task<List<SessionSeats>> SessionsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<SessionSeats>(new CommandDefinition("""
            select s.id, s.starts_at, s.ends_at, s.capacity, s.confirmed,
                   (select count(*) from registration w where w.session_id = s.id and w.status = 'waitlisted')::int as waitlisted
            from event_session s where s.event_id = @id order by s.starts_at, s.id
            """, new { id }, cancellationToken: cancellationToken))).ToList();
    }

    private async Task<EventHeader?> HeaderAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EventHeader>(new CommandDefinition(
            "select slug, title from event where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    private sealed record EventHeader(string Slug, string Title);

    private StatusCodeResult SeeOther(string path)
    {
        Response.Headers.Location = path;
        return StatusCode(StatusCodes.Status303SeeOther);
    }

    private void NoStore() => Response.Headers.CacheControl = "no-store";

    private string MailSiteUrl() => HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;
}
