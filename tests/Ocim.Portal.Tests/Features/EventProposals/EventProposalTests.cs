using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Tests.Features.Listings;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.EventProposals;

/// <summary>
/// Representatives propose events for their listing (issue 6): moderation, publication, what stays hidden until then,
/// editing while pending, mass assignment, IDOR, races between curators, trusted representatives, curators' scope.
/// </summary>
public sealed class EventProposalTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_proposal_stays_out_of_every_public_page_until_a_curator_publishes_it_then_appears_everywhere_and_its_author_is_told()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "publie");
        var title = "Nuit des étoiles publie";

        var (_, mine) = await representative.GetPageAsync("/compte/fiches");
        Assert.Contains($"/compte/fiches/{actor}/evenements/nouveau", mine.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Forms.AssertRedirect(await ProposeAsync(representative, actor, title, ("Sessions[0].Capacity", "1 200")), "/compte/fiches");

        var proposal = await connection.QuerySingleAsync<(long Id, long EventId, string Status, int Version)>(
            "select id, event_id, status, version from event_proposal where actor_id = @actor", new { actor });
        Assert.Equal(("pending", 1), (proposal.Status, proposal.Version));
        var stored = await connection.QuerySingleAsync<(string Status, string Slug, long Organiser, string OrganiserName, long Venue, string Commune)>(
            "select status, slug, organiser_actor_id, organiser_name, venue_actor_id, commune_code from event where id = @EventId", new { proposal.EventId });
        Assert.Equal(("draft", "nuit-des-etoiles-publie", actor, "Muséum publie", actor, "21231"), stored);
        Assert.Equal(1200, await connection.ExecuteScalarAsync<int>("select capacity from event_session where event_id = @EventId", new { proposal.EventId }));
        var (_, pending) = await representative.GetPageAsync("/compte/fiches");
        Assert.Contains("en attente de relecture", Html.Squash(pending.QuerySelector("table.event-proposals").Text()), StringComparison.Ordinal);

        using var visitor = factory.CreatePageClient();
        await AssertHiddenAsync(visitor, stored.Slug, title, actor);

        await TestAccounts.CreateAsync(factory, "curatrice-publie@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-publie@exemple.test");
        var review = $"/gestion/moderation/evenements/{proposal.Id}";
        var (_, queue) = await curator.GetPageAsync("/gestion/moderation?type=evenement");
        Assert.Contains(review, queue.QuerySelectorAll("table a").Select(a => a.GetAttribute("href")));
        var (_, page) = await curator.GetPageAsync(review);
        Assert.Contains(title, page.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Contains("1 200 places", Html.Squash(page.QuerySelector("dl").Text()), StringComparison.Ordinal);

        Forms.AssertRedirect(await curator.SubmitAsync(review, review + "/approuver", ("Version", "1"), ("Message", "Bel atelier !")), "/gestion/moderation");

        Assert.Equal("published", await connection.ExecuteScalarAsync<string>("select status from event where id = @EventId", new { proposal.EventId }));
        Assert.Equal("published", await connection.ExecuteScalarAsync<string>("select status from event_proposal where id = @Id", new { proposal.Id }));
        var audit = await connection.QuerySingleAsync<(string Changes, string Message)>(
            "select changes::text, message from audit_log where entity = 'event' and entity_id = @EventId and action = 'event.proposal.approved'", new { proposal.EventId });
        Assert.Equal("""{"status": {"new": "published", "old": "draft"}}""", audit.Changes);
        Assert.Equal("Bel atelier !", audit.Message);
        var mail = await connection.QuerySingleAsync<string>("select body from outbox_message where kind = 'event-proposal-approved' and recipient = 'rep-publie@exemple.test'");
        Assert.Contains($"/evenements/{stored.Slug}", mail, StringComparison.Ordinal);
        Assert.Contains("Bel atelier !", mail, StringComparison.Ordinal);

        var (_, list) = await visitor.GetPageAsync("/evenements");
        Assert.Contains(title, list.QuerySelectorAll(".event-card h3").Select(h => h.Text()));
        Assert.Contains($"/evenements/{stored.Slug}", list.QuerySelectorAll("svg a").Select(a => a.GetAttribute("href")));
        Assert.Contains(actor.ToString(CultureInfo.InvariantCulture), list.QuerySelectorAll("#organisateur option").Select(o => o.GetAttribute("value")));
        var (shown, show) = await visitor.GetPageAsync($"/evenements/{stored.Slug}");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains(title, show.QuerySelector("h1").Text(), StringComparison.Ordinal);
        Assert.Contains("application/ld+json", show.Source.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(new Uri($"/evenements/{stored.Slug}.ics", UriKind.Relative))).StatusCode);
        Assert.Contains(title, await visitor.GetStringAsync(new Uri("/evenements.ics", UriKind.Relative)), StringComparison.Ordinal);
        var (_, published) = await representative.GetPageAsync("/compte/fiches");
        Assert.Contains("publié", Html.Squash(published.QuerySelector("table.event-proposals").Text()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posted_status_organiser_venue_slug_and_seat_fields_bind_to_nothing()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "masse");
        var other = await ActorRows.InsertAsync(connection, "Fablab autre masse", 3, "fablab", 4.8357, 45.764, "69123");

        var response = await ProposeAsync(representative, actor, "Atelier masse",
            ("Status", "published"), ("OrganiserActorId", other.ToString(CultureInfo.InvariantCulture)), ("OrganiserName", "Quelqu'un d'autre"),
            ("VenueActorId", other.ToString(CultureInfo.InvariantCulture)), ("Slug", "adresse-choisie"), ("RegistrationClosed", "true"),
            ("ActorId", other.ToString(CultureInfo.InvariantCulture)), ("Id", "1"), ("Sessions[0].Confirmed", "5"), ("Sessions[0].Id", "1"),
            ("EventId", "1"), ("ProposedBy", "1"), ("Version", "7"));

        Forms.AssertRedirect(response, "/compte/fiches");
        var row = await connection.QuerySingleAsync<(string Status, string Slug, long Organiser, string Name, long Venue, bool Closed, long Actor, int Version)>(
            """
            select e.status, e.slug, e.organiser_actor_id, e.organiser_name, e.venue_actor_id, e.registration_closed, p.actor_id, p.version
            from event_proposal p join event e on e.id = p.event_id where e.title = 'Atelier masse'
            """);
        Assert.Equal(("draft", "atelier-masse", actor, "Muséum masse", actor, false, actor, 1), row);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select confirmed from event_session s join event e on e.id = s.event_id where e.title = 'Atelier masse'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from event_proposal where actor_id = @other", new { other }));
    }

    [Fact]
    public async Task The_representative_of_another_listing_can_neither_propose_for_it_nor_see_or_edit_its_proposals()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actorA, representativeA) = await RepresentedActorAsync(factory, connection, "idor-a");
        var (actorB, representativeB) = await RepresentedActorAsync(factory, connection, "idor-b");
        Forms.AssertRedirect(await ProposeAsync(representativeA, actorA, "Atelier idor"), "/compte/fiches");
        var proposal = await connection.ExecuteScalarAsync<long>("select id from event_proposal where actor_id = @actorA", new { actorA });
        var before = await EventRowsAsync(connection);

        var token = await representativeB.TokenAsync("/compte");
        string[] pages = [$"/compte/fiches/{actorA}/evenements/nouveau", $"/compte/fiches/{actorA}/evenements/{proposal}", $"/compte/fiches/{actorB}/evenements/{proposal}"];
        foreach (var url in pages)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await representativeB.GetAsync(new Uri(url, UriKind.Relative))).StatusCode);
            var posted = await representativeB.PostFormAsync(url, ProposalFields("Atelier piraté", ("Version", "1")), token);
            Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        }

        Assert.Equal(before, await EventRowsAsync(connection));
        var (_, mine) = await representativeB.GetPageAsync("/compte/fiches");
        Assert.DoesNotContain("Atelier idor", mine.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pending_proposal_can_be_edited_a_curator_deciding_on_the_older_version_is_refused_and_a_decided_one_cannot_be_edited()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "edition");
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier edition"), "/compte/fiches");
        var (proposal, eventId) = await connection.QuerySingleAsync<(long, long)>("select id, event_id from event_proposal where actor_id = @actor", new { actor });
        await TestAccounts.CreateAsync(factory, "curatrice-edition@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-edition@exemple.test");
        var review = $"/gestion/moderation/evenements/{proposal}";
        var curatorToken = await curator.TokenAsync(review, review + "/approuver");

        var edit = $"/compte/fiches/{actor}/evenements/{proposal}";
        var (_, form) = await representative.GetPageAsync(edit);
        Assert.Equal("Atelier edition", form.QuerySelector("#Title")!.GetAttribute("value"));
        var start = ParisIn(days: 40);
        var fields = (await ListingForms.FieldsAsync(representative, edit, edit)).With(
            ("Title", "Atelier edition, nouvelle date"), ("Kind", "formation"), ("AttendanceMode", "presentiel"),
            ("Sessions[0].StartsAt", start), ("Sessions[0].EndsAt", ParisIn(days: 40, hours: 3)), ("Sessions[0].Capacity", "12"),
            ("Sessions[1].StartsAt", ParisIn(days: 41)), ("Sessions[1].EndsAt", ParisIn(days: 41, hours: 3)), ("Sessions[1].Capacity", "12"));
        Forms.AssertRedirect(await representative.PostAsync(new Uri(edit, UriKind.Relative), new FormUrlEncodedContent(fields)), "/compte/fiches");

        Assert.Equal(("Atelier edition, nouvelle date", "formation", "atelier-edition-nouvelle-date", "draft"),
            await connection.QuerySingleAsync<(string, string, string, string)>("select title, kind, slug, status from event where id = @eventId", new { eventId }));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("select count(*) from event_session where event_id = @eventId", new { eventId }));
        Assert.Equal(("pending", 2), await connection.QuerySingleAsync<(string, int)>("select status, version from event_proposal where id = @proposal", new { proposal }));

        // The curator read version 1: publishing it would publish what they have not read.
        var stale = await curator.PostFormAsync(review + "/approuver", [new("Version", "1")], curatorToken);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Son auteur a modifié la proposition", (await stale.ReadPageAsync()).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal("draft", await connection.ExecuteScalarAsync<string>("select status from event where id = @eventId", new { eventId }));

        // The representative's own page opened before a decision: once rejected, the edit is refused and changes nothing.
        var editToken = await representative.TokenAsync(edit, edit);
        Forms.AssertRedirect(await curator.SubmitAsync(review, review + "/rejeter", ("Version", "2"), ("Message", "Une seule séance, s'il vous plaît.")), "/gestion/moderation");
        var late = await representative.PostFormAsync(edit, fields.Where(f => f.Key != Forms.TokenField).ToList().With(("Title", "Trop tard"), ("Version", "2")), editToken);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("a traité cette proposition entre-temps", (await late.ReadPageAsync()).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal("Atelier edition, nouvelle date", await connection.ExecuteScalarAsync<string>("select title from event where id = @eventId", new { eventId }));
        var (_, decided) = await representative.GetPageAsync(edit);
        Assert.Null(decided.QuerySelector($"form[action='{edit}']"));
        Assert.Contains("Une seule séance, s'il vous plaît.", decided.QuerySelector("main").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_tabs_of_the_same_proposal_the_second_save_is_refused_as_stale()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "onglets");
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier onglets"), "/compte/fiches");
        var proposal = await connection.ExecuteScalarAsync<long>("select id from event_proposal where actor_id = @actor", new { actor });
        var edit = $"/compte/fiches/{actor}/evenements/{proposal}";
        var fields = (await ListingForms.FieldsAsync(representative, edit, edit)).With(("Kind", "atelier"), ("AttendanceMode", "presentiel"));

        Forms.AssertRedirect(await representative.PostAsync(new Uri(edit, UriKind.Relative), new FormUrlEncodedContent(fields.With(("Title", "Premier onglet")))), "/compte/fiches");
        var second = await representative.PostAsync(new Uri(edit, UriKind.Relative), new FormUrlEncodedContent(fields.With(("Title", "Second onglet"))));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("Premier onglet", await connection.ExecuteScalarAsync<string>("select e.title from event e join event_proposal p on p.event_id = e.id where p.id = @proposal", new { proposal }));
    }

    [Fact]
    public async Task A_rejection_needs_a_message_which_the_representative_receives_and_sees_and_the_event_stays_hidden()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "refus");
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier refus"), "/compte/fiches");
        var (proposal, eventId) = await connection.QuerySingleAsync<(long, long)>("select id, event_id from event_proposal where actor_id = @actor", new { actor });
        await TestAccounts.CreateAsync(factory, "curatrice-refus-ev@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, "curatrice-refus-ev@exemple.test");
        var review = $"/gestion/moderation/evenements/{proposal}";

        var empty = await curator.SubmitAsync(review, review + "/rejeter", ("Version", "1"), ("Message", "   "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var emptyPage = await empty.ReadPageAsync();
        Assert.StartsWith("Erreurs dans le formulaire", emptyPage.Title, StringComparison.Ordinal);
        Assert.Contains("Expliquez en quelques mots", emptyPage.QuerySelector(".error-summary").Text(), StringComparison.Ordinal);
        Assert.Equal("pending", await connection.ExecuteScalarAsync<string>("select status from event_proposal where id = @proposal", new { proposal }));

        Forms.AssertRedirect(await curator.SubmitAsync(review, review + "/rejeter", ("Version", "1"), ("Message", "Cet atelier relève d'une autre structure.")), "/gestion/moderation");

        Assert.Equal("draft", await connection.ExecuteScalarAsync<string>("select status from event where id = @eventId", new { eventId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity = 'event' and entity_id = @eventId and action = 'event.proposal.rejected' and message = 'Cet atelier relève d''une autre structure.'", new { eventId }));
        Assert.Contains("Cet atelier relève d'une autre structure.", await connection.ExecuteScalarAsync<string>("select body from outbox_message where kind = 'event-proposal-rejected' and recipient = 'rep-refus@exemple.test'"), StringComparison.Ordinal);
        var (_, mine) = await representative.GetPageAsync("/compte/fiches");
        var table = Html.Squash(mine.QuerySelector("table.event-proposals").Text());
        Assert.Contains("refusé", table, StringComparison.Ordinal);
        Assert.Contains("Cet atelier relève d'une autre structure.", table, StringComparison.Ordinal);
        using var visitor = factory.CreatePageClient();
        await AssertHiddenAsync(visitor, "atelier-refus", "Atelier refus", actor);
    }

    [Fact]
    public async Task Two_curators_publishing_at_once_make_one_transition_one_audit_row_and_one_mail_the_other_gets_a_French_409()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "course");
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier course"), "/compte/fiches");
        var (proposal, eventId) = await connection.QuerySingleAsync<(long, long)>("select id, event_id from event_proposal where actor_id = @actor", new { actor });
        await TestAccounts.CreateAsync(factory, "curatrice-course-1@exemple.test", PortalRoles.Curator);
        await TestAccounts.CreateAsync(factory, "curatrice-course-2@exemple.test", PortalRoles.Curator);
        using var first = await TestAccounts.SignedInClientAsync(factory, "curatrice-course-1@exemple.test");
        using var second = await TestAccounts.SignedInClientAsync(factory, "curatrice-course-2@exemple.test");
        var review = $"/gestion/moderation/evenements/{proposal}";
        var tokens = await Task.WhenAll(first.TokenAsync(review, review + "/approuver"), second.TokenAsync(review, review + "/rejeter"));

        var responses = await Task.WhenAll(
            first.PostFormAsync(review + "/approuver", [new("Version", "1")], tokens[0]),
            second.PostFormAsync(review + "/rejeter", [new("Version", "1"), new("Message", "Non.")], tokens[1]));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains("déjà été traitée", (await refused.ReadPageAsync()).QuerySelector("[role=alert]").Text(), StringComparison.Ordinal);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select version from event_proposal where id = @proposal", new { proposal }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity = 'event' and entity_id = @eventId and action like 'event.proposal.%'", new { eventId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_message where kind like 'event-proposal-%' and recipient = 'rep-course@exemple.test'"));
        var decided = await connection.ExecuteScalarAsync<string>("select status from event_proposal where id = @proposal", new { proposal });
        Assert.Equal(decided == "published" ? "published" : "draft", await connection.ExecuteScalarAsync<string>("select status from event where id = @eventId", new { eventId }));
    }

    [Fact]
    public async Task A_trusted_representatives_proposal_is_published_at_once_and_audited()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "confiance");
        await connection.ExecuteAsync("update actor_representative set trusted = true where actor_id = @actor", new { actor });

        var (_, page) = await representative.GetPageAsync($"/compte/fiches/{actor}/evenements/nouveau");
        Assert.Equal("Publier l'événement", page.QuerySelector("form button[type=submit]").Text());
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier confiance"), "/compte/fiches");

        var (status, eventStatus, eventId) = await connection.QuerySingleAsync<(string, string, long)>(
            "select p.status, e.status, e.id from event_proposal p join event e on e.id = p.event_id where p.actor_id = @actor", new { actor });
        Assert.Equal(("published", "published"), (status, eventStatus));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from audit_log where entity = 'event' and entity_id = @eventId and action = 'event.proposal.published'", new { eventId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_message where recipient = 'rep-confiance@exemple.test'"));
        using var visitor = factory.CreatePageClient();
        var (_, list) = await visitor.GetPageAsync("/evenements");
        Assert.Contains("Atelier confiance", list.QuerySelectorAll(".event-card h3").Select(h => h.Text()));
    }

    [Fact]
    public async Task A_department_curator_sees_and_decides_only_the_proposals_of_listings_in_their_department()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "perimetre");   // in Dijon (21)
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier perimetre"), "/compte/fiches");
        var proposal = await connection.ExecuteScalarAsync<long>("select id from event_proposal where actor_id = @actor", new { actor });
        await TestAccounts.CreateAsync(factory, "curatrice-rhone-ev@exemple.test", PortalRoles.Curator, departmentScope: "69");
        await TestAccounts.CreateAsync(factory, "curatrice-bourgogne-ev@exemple.test", PortalRoles.Curator, regionScope: "27");
        using var outside = await TestAccounts.SignedInClientAsync(factory, "curatrice-rhone-ev@exemple.test");
        using var inside = await TestAccounts.SignedInClientAsync(factory, "curatrice-bourgogne-ev@exemple.test");
        var review = $"/gestion/moderation/evenements/{proposal}";

        var (_, outsideQueue) = await outside.GetPageAsync("/gestion/moderation");
        var (_, insideQueue) = await inside.GetPageAsync("/gestion/moderation");
        Assert.DoesNotContain(review, outsideQueue.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Contains(review, insideQueue.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal(HttpStatusCode.NotFound, (await outside.GetAsync(new Uri(review, UriKind.Relative))).StatusCode);
        var token = await outside.TokenAsync("/compte");
        Assert.Equal(HttpStatusCode.NotFound, (await outside.PostFormAsync(review + "/approuver", [new("Version", "1")], token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outside.PostFormAsync(review + "/rejeter", [new("Version", "1"), new("Message", "non")], token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outside.GetAsync(new Uri($"/compte/fiches/{actor}/evenements/{proposal}", UriKind.Relative))).StatusCode);
        Assert.Equal("pending", await connection.ExecuteScalarAsync<string>("select status from event_proposal where id = @proposal", new { proposal }));

        Forms.AssertRedirect(await inside.SubmitAsync(review, review + "/approuver", ("Version", "1")), "/gestion/moderation");
    }

    [Fact]
    public async Task A_form_with_errors_answers_400_in_French_names_each_field_and_writes_nothing()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "erreurs");
        var before = await EventRowsAsync(connection);

        var response = await ProposeAsync(representative, actor, string.Empty,
            ("Kind", "bal-masque"), ("Venue", "adresse"), ("CommuneCode", "99999"), ("IsFree", "false"),
            ("Sessions[0].StartsAt", "2020-01-01T10:00"), ("Sessions[0].EndsAt", "2020-01-01T09:00"), ("Sessions[0].Capacity", "beaucoup"),
            ("Sessions[1].StartsAt", "demain"), ("Themes", "pas-un-theme"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.StartsWith("Erreurs dans le formulaire", page.Title, StringComparison.Ordinal);
        var errors = page.QuerySelectorAll(".error-summary li").Select(li => Html.Squash(li.Text())).ToList();
        Assert.Contains("Indiquez un titre (300 caractères au plus).", errors);
        Assert.Contains("Choisissez un type d'événement.", errors);
        Assert.Contains("Aucune commune n'a ce code INSEE.", errors);
        Assert.Contains("Un événement payant indique ses tarifs.", errors);
        Assert.Contains("Séance 1 : le début est déjà passé.", errors);
        Assert.Contains("Séance 1 : la fin doit suivre le début.", errors);
        Assert.Contains("Séance 1 : indiquez le nombre de places (un nombre entier de 1 à 100 000).", errors);
        Assert.Contains("Séance 2 : indiquez le début (date et heure de Paris).", errors);
        Assert.Contains("Choisissez les thèmes dans la liste.", errors);
        Assert.All(page.QuerySelectorAll(".error-summary a"), a => Assert.NotNull(page.GetElementById(a.GetAttribute("href")![1..])));
        // What was typed comes back as typed: a date the datetime-local field cannot hold, in a text field.
        Assert.Equal(("text", "demain"), (page.QuerySelector("#Sessions_1__StartsAt")!.GetAttribute("type"), page.QuerySelector("#Sessions_1__StartsAt")!.GetAttribute("value")));
        Assert.Equal("beaucoup", page.QuerySelector("#Sessions_0__Capacity")!.GetAttribute("value"));
        Assert.Equal(before, await EventRowsAsync(connection));
    }

    [Fact]
    public async Task An_online_event_has_no_place_and_needs_an_https_link_and_another_address_needs_its_commune()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (actor, representative) = await RepresentedActorAsync(factory, connection, "lieux");

        var plain = await ProposeAsync(representative, actor, "Webinaire lieux", ("AttendanceMode", "en-ligne"), ("OnlineUrl", "http://exemple.test/salle"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        var noCommune = await ProposeAsync(representative, actor, "Atelier ailleurs", ("Venue", "adresse"), ("VenueAddress", "2 rue Boutaric"));
        Assert.Equal(HttpStatusCode.BadRequest, noCommune.StatusCode);
        Assert.Contains("Indiquez le code INSEE de la commune du lieu", (await noCommune.ReadPageAsync()).QuerySelector(".error-summary").Text(), StringComparison.Ordinal);

        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Webinaire lieux", ("AttendanceMode", "en-ligne"), ("OnlineUrl", "https://exemple.test/salle")), "/compte/fiches");
        Forms.AssertRedirect(await ProposeAsync(representative, actor, "Atelier ailleurs", ("Venue", "adresse"), ("VenueName", "La Coursive"), ("CommuneCode", "21231")), "/compte/fiches");

        Assert.Equal((null, null, "en-ligne"), await connection.QuerySingleAsync<(long?, string?, string)>(
            "select venue_actor_id, commune_code, attendance_mode from event where title = 'Webinaire lieux'"));
        Assert.Equal((null, "La Coursive", "21231", "21"), await connection.QuerySingleAsync<(long?, string, string, string)>(
            "select venue_actor_id, venue_name, commune_code, department_code from event where title = 'Atelier ailleurs'"));
    }

    [Fact]
    public async Task A_merge_moves_the_proposals_of_the_merged_listing_to_the_survivor_where_its_representatives_follow_them()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var (other, representative) = await RepresentedActorAsync(factory, connection, "fusion");
        var survivor = await ActorRows.InsertAsync(connection, "Muséum fusion (doublon)", 1, "museum", 5.0416, 47.3221, "21231");
        Forms.AssertRedirect(await ProposeAsync(representative, other, "Atelier fusion"), "/compte/fiches");
        var proposal = await connection.ExecuteScalarAsync<long>("select id from event_proposal where actor_id = @other", new { other });
        var curator = await TestAccounts.CreateAsync(factory, "curatrice-fusion-ev@exemple.test", PortalRoles.Curator);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var merged = await scope.ServiceProvider.GetRequiredService<Portal.Features.Curation.MergeActors>()
                .MergeAsync(survivor, other, new HashSet<string>(), curator.Id, null, CancellationToken.None);
            Assert.Equal(Portal.Features.Curation.MergeOutcome.Merged, merged);
        }

        Assert.Equal(survivor, await connection.ExecuteScalarAsync<long>("select actor_id from event_proposal where id = @proposal", new { proposal }));
        Assert.Equal(HttpStatusCode.OK, (await representative.GetAsync(new Uri($"/compte/fiches/{survivor}/evenements/{proposal}", UriKind.Relative))).StatusCode);
        var (_, mine) = await representative.GetPageAsync("/compte/fiches");
        Assert.Contains($"/compte/fiches/{survivor}/evenements/{proposal}", mine.QuerySelectorAll("table.event-proposals a").Select(a => a.GetAttribute("href")));
    }

    [Theory]
    [InlineData("2026-03-29T10:00", "2026-03-29 10:00")]
    [InlineData("29/03/2026 10:00", "2026-03-29 10:00")]
    [InlineData("29/03/2026 9 h 30", "2026-03-29 09:30")]
    [InlineData("demain", null)]
    [InlineData("2026-02-30T10:00", null)]
    public void Session_times_are_read_from_the_field_or_typed_the_French_way(string typed, string? expected) =>
        Assert.Equal(expected, Portal.Features.EventProposals.EventProposalForm.ParseLocal(typed)?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("30", 30)]
    [InlineData("1 200", 1200)]
    [InlineData("1\u202F200", 1200)]
    [InlineData("0", null)]
    [InlineData("-3", null)]
    [InlineData("12,5", null)]
    [InlineData("100001", null)]
    public void Places_are_a_whole_number_from_1_to_100_000_with_French_spaces(string typed, int? expected) =>
        Assert.Equal(expected, Portal.Features.EventProposals.EventProposalForm.ParseCapacity(System.Text.RegularExpressions.Regex.Unescape(typed)));

    /// <summary>What a visitor can reach of an unpublished event: nothing (list, map, organiser filter, page and JSON-LD, files, registration, sitemap).</summary>
    private static async Task AssertHiddenAsync(HttpClient visitor, string slug, string title, long organiser)
    {
        var (_, list) = await visitor.GetPageAsync("/evenements");
        Assert.DoesNotContain(title, list.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain($"/evenements/{slug}", list.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.DoesNotContain(organiser.ToString(CultureInfo.InvariantCulture), list.QuerySelectorAll("#organisateur option").Select(o => o.GetAttribute("value")));
        var (_, archive) = await visitor.GetPageAsync("/evenements/archives");
        Assert.DoesNotContain(title, archive.Body!.TextContent, StringComparison.Ordinal);
        foreach (var url in new[] { $"/evenements/{slug}", $"/evenements/{slug}.ics", $"/evenements/{slug}/inscription" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(new Uri(url, UriKind.Relative))).StatusCode);
        }

        Assert.DoesNotContain(title, await visitor.GetStringAsync(new Uri("/evenements.ics", UriKind.Relative)), StringComparison.Ordinal);
        var sitemap = await visitor.GetAsync(new Uri("/sitemap.xml", UriKind.Relative));
        Assert.True(sitemap.StatusCode == HttpStatusCode.NotFound || !(await sitemap.Content.ReadAsStringAsync()).Contains(slug, StringComparison.Ordinal));
    }

    /// <summary>An actor in Dijon and its representative, signed in.</summary>
    private static async Task<(long Actor, HttpClient Representative)> RepresentedActorAsync(PortalFactory factory, NpgsqlConnection connection, string name)
    {
        var actor = await ActorRows.InsertAsync(connection, $"Muséum {name}", 1, "museum", 5.0415, 47.322, "21231");
        await TestAccounts.CreateAsync(factory, $"rep-{name}@exemple.test", PortalRoles.Representative, representedActor: actor);
        return (actor, await TestAccounts.SignedInClientAsync(factory, $"rep-{name}@exemple.test"));
    }

    /// <summary>Opens the proposal form of the listing, fills one session 30 days ahead and posts it with the changes given.</summary>
    private static async Task<HttpResponseMessage> ProposeAsync(HttpClient client, long actor, string title, params (string Name, string Value)[] changes)
    {
        var url = $"/compte/fiches/{actor}/evenements/nouveau";
        var fields = (await ListingForms.FieldsAsync(client, url, url)).With(ProposalFields(title).Select(f => (f.Key, f.Value)).ToArray()).With(changes);
        return await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>The fields of a valid proposal (one session 30 days ahead, at the listing's place), without the page's token.</summary>
    private static List<KeyValuePair<string, string>> ProposalFields(string title, params (string Name, string Value)[] changes) =>
        new List<KeyValuePair<string, string>>
        {
            new("Title", title),
            new("Kind", "atelier"),
            new("Summary", "Observer le ciel."),
            new("About", "Un **atelier** d'observation."),
            new("AttendanceMode", "presentiel"),
            new("Venue", "fiche"),
            new("IsFree", "true"),
            new("RegistrationRequired", "true"),
            new("Sessions[0].StartsAt", ParisIn(days: 30)),
            new("Sessions[0].EndsAt", ParisIn(days: 30, hours: 2)),
            new("Sessions[0].Capacity", "25"),
        }.With(changes);

    /// <summary>A Paris wall-clock time some days ahead, as a datetime-local field holds it.</summary>
    private static string ParisIn(int days, int hours = 0) =>
        EventTime.ToParis(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(days).AddHours(10 + hours), TimeSpan.Zero)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static async Task<string> EventRowsAsync(NpgsqlConnection connection) =>
        await connection.ExecuteScalarAsync<string>(
            "select concat_ws('|', (select md5(coalesce(string_agg(e::text, ',' order by id), '')) from event e), (select count(*) from event_session), (select md5(coalesce(string_agg(p::text, ',' order by id), '')) from event_proposal p))") ?? string.Empty;
}
