using System.Text;
using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Infrastructure;

namespace Ocim.Portal.Features.Events;

/// <summary>What the catalogue page shows.</summary>
public sealed record EventListPage(EventFilter Filter, bool Archive, IReadOnlyList<EventListItem> Events, EventChoices Choices, EventMap Map);

/// <summary>What an event's page shows.</summary>
public sealed record EventPage(EventDetail Event, string AboutHtml, string ObjectivesHtml, string JsonLd, string CanonicalUrl, DateTimeOffset Now);

/// <summary>The public pages of the events: catalogue, archive, event page, iCalendar files, data protection notice.</summary>
public sealed class EventsController(TimeProvider clock) : Controller
{
    [HttpGet("/evenements")]
    public Task<IActionResult> Index([FromServices] SearchEvents search, [FromServices] ListEventChoices choices, [FromServices] DrawOutline drawOutline, CancellationToken cancellationToken) =>
        ListAsync(search, choices, drawOutline, archive: false, cancellationToken);

    [HttpGet("/evenements/archives")]
    public Task<IActionResult> Archive([FromServices] SearchEvents search, [FromServices] ListEventChoices choices, [FromServices] DrawOutline drawOutline, CancellationToken cancellationToken) =>
        ListAsync(search, choices, drawOutline, archive: true, cancellationToken);

    /// <summary>The upcoming sessions of the filter, as an iCalendar feed to subscribe to.</summary>
    [HttpGet("/evenements.ics")]
    public async Task<IActionResult> Feed([FromServices] SearchEvents search, CancellationToken cancellationToken)
    {
        var filter = EventFilter.Parse(Request.Query);
        if (filter.Errors.Count > 0)
        {
            // A calendar application shows no page: the French error page says what is wrong to whoever opens the link.
            return BadRequest();
        }

        var sessions = await search.SessionsAsync(filter, cancellationToken);
        var site = SiteUrl();
        var entries = sessions.Select(s => new CalendarEntry(
            s.SessionId, s.Title, Utc(s.StartsAt), Utc(s.EndsAt), Utc(s.UpdatedAt), s.Summary, s.Place ?? s.OnlineUrl,
            $"{site}/evenements/{s.Slug}", s.Status == "cancelled", s.Latitude, s.Longitude));
        return Calendar(ICalendar.Write(entries, HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Host, "Événements du portail Ocim"), "evenements.ics");
    }

    [HttpGet("/evenements/donnees-personnelles")]
    public IActionResult Notice([FromServices] EventSettings settings) => View(EventViews.Path("Notice"), settings);

    [HttpGet("/evenements/{slug}")]
    public async Task<IActionResult> Show(string slug, [FromServices] ShowEvent showEvent, CancellationToken cancellationToken)
    {
        var detail = await showEvent.FindAsync(slug, includeDrafts: false, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        var canonical = SiteUrl() + detail.Href;
        return View(EventViews.Path("Show"), new EventPage(
            detail, SafeMarkdown.ToHtml(detail.About), SafeMarkdown.ToHtml(detail.Objectives), EventJsonLd.For(detail, canonical), canonical, clock.GetUtcNow()));
    }

    /// <summary>Every session of one event, to add to a calendar.</summary>
    [HttpGet("/evenements/{slug}.ics")]
    public async Task<IActionResult> EventCalendar(string slug, [FromServices] ShowEvent showEvent, CancellationToken cancellationToken)
    {
        var detail = await showEvent.FindAsync(slug, includeDrafts: false, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        var url = SiteUrl() + detail.Href;
        var entries = detail.Sessions.Select(s => new CalendarEntry(
            s.Id, detail.Title, s.Start, s.End, Utc(detail.UpdatedAt), detail.Summary, detail.Place ?? detail.OnlineUrl, url,
            detail.Status == "cancelled", detail.Latitude, detail.Longitude));
        return Calendar(ICalendar.Write(entries, HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Host, detail.Title), detail.Slug + ".ics");
    }

    private async Task<IActionResult> ListAsync(SearchEvents search, ListEventChoices choices, DrawOutline drawOutline, bool archive, CancellationToken cancellationToken)
    {
        var filter = EventFilter.Parse(Request.Query);
        var events = await search.ListAsync(filter, archive, cancellationToken);
        if (filter.Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return View(EventViews.Path("Index"), new EventListPage(filter, archive, events, await choices.ListAsync(cancellationToken), EventMap.Draw(await drawOutline.DrawAsync(null, null, cancellationToken), events)));
    }

    private FileContentResult Calendar(string text, string fileName) => File(Encoding.UTF8.GetBytes(text), ICalendar.ContentType, fileName);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private string SiteUrl() => HttpContext.RequestServices.GetRequiredService<Infrastructure.PublicSite>().Url;
}
