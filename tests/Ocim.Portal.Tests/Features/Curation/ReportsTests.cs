using System.Net;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Curation;

/// <summary>Visitors' reports: the form on a listing, its refusals, the curators' queue and its decisions.</summary>
public sealed class ReportsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory(database.ConnectionString, new Dictionary<string, string?> { ["Portal:RateLimits:signalement:PerMinute"] = "3" });
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_visitor_reports_a_closed_place_and_a_curator_handles_it_once()
    {
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum de Dijon", 1, "museum", 5.0415, 47.3220);
        using var visitor = factory.CreatePageClient();

        // The listing links to the form, which works as a plain HTML form.
        var (_, listing) = await visitor.GetPageAsync($"/acteurs/{Id(actor)}-museum-de-dijon");
        Assert.NotNull(listing.QuerySelector($"a[href='/acteurs/{Id(actor)}/signaler']"));
        var form = $"/acteurs/{Id(actor)}/signaler";
        var sent = await visitor.SubmitAsync(form, form, ("Kind", "ferme"), ("Message", "Fermé depuis janvier, les collections sont parties à Besançon."), ("Email", "visiteur@exemple.fr"), ("Site", ""));
        Forms.AssertRedirect(sent, $"/acteurs/{Id(actor)}/signaler/merci");
        var stored = await connection.QuerySingleAsync<(long Id, string Kind, string Email, string Status)>(
            "select id, kind, email, status from actor_report where actor_id = @actor", new { actor });
        Assert.Equal(("ferme", "visiteur@exemple.fr", "ouvert"), (stored.Kind, stored.Email, stored.Status));

        await TestAccounts.CreateAsync(factory, $"curatrice-signal-{suffix}@exemple.test", PortalRoles.Curator);
        using var curator = await TestAccounts.SignedInClientAsync(factory, $"curatrice-signal-{suffix}@exemple.test");
        var (queueResponse, queue) = await curator.GetPageAsync("/gestion/signalements");
        Assert.Equal(HttpStatusCode.OK, queueResponse.StatusCode);
        Assert.Contains("Fermé depuis janvier", queue.Body!.TextContent, StringComparison.Ordinal);

        var token = await curator.TokenAsync("/gestion/signalements");
        var handled = await curator.PostFormAsync($"/gestion/signalements/{Id(stored.Id)}", [new("decision", "traite"), new("note", "Fiche archivée.")], token);
        Forms.AssertRedirect(handled, "/gestion/signalements");
        Assert.Equal(("traite", "Fiche archivée."), await connection.QuerySingleAsync<(string, string)>(
            "select status, note from actor_report where id = @id", new { id = stored.Id }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from audit_log where action = 'actor_report.handled' and entity_id = @id", new { id = stored.Id }));

        // A second decision on the same report changes nothing; an unknown decision is refused.
        var twice = await curator.PostFormAsync($"/gestion/signalements/{Id(stored.Id)}", [new("decision", "rejete")], token);
        Forms.AssertRedirect(twice, "/gestion/signalements");
        Assert.Equal("traite", await connection.ExecuteScalarAsync<string>("select status from actor_report where id = @id", new { id = stored.Id }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from audit_log where entity = 'actor_report' and entity_id = @id", new { id = stored.Id }));
        var bogus = await curator.PostFormAsync($"/gestion/signalements/{Id(stored.Id)}", [new("decision", "supprime")], token);
        Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
    }

    [Fact]
    public async Task An_empty_message_or_unknown_kind_is_refused_in_french_a_robot_stores_nothing_and_floods_get_429()
    {
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Planétarium de Vaulx-en-Velin", 1, "planetarium", 4.9190, 45.7790);
        var form = $"/acteurs/{Id(actor)}/signaler";
        using var visitor = factory.CreatePageClient();

        var empty = await visitor.SubmitAsync(form, form, ("Kind", "fermé"), ("Message", "  "), ("Email", "pas-une-adresse"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var text = (await empty.ReadPageAsync()).Body!.TextContent;
        Assert.Contains("Choisissez ce que vous signalez.", text, StringComparison.Ordinal);
        Assert.Contains("Décrivez ce qui ne va pas.", text, StringComparison.Ordinal);
        Assert.Contains("L'adresse électronique n'est pas valide", text, StringComparison.Ordinal);

        var robot = await visitor.SubmitAsync(form, form, ("Kind", "autre"), ("Message", "Achetez nos montres"), ("Site", "https://spam.example"));
        Forms.AssertRedirect(robot, $"/acteurs/{Id(actor)}/signaler/merci");
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from actor_report where actor_id = @actor", new { actor }));

        // Three posts a minute per address (set for this test): the third goes through, the fourth is 429 with Retry-After.
        var token = await visitor.TokenAsync(form);
        Forms.AssertRedirect(await visitor.PostFormAsync(form, [new("Kind", "autre"), new("Message", "Le lien du site est cassé.")], token), $"/acteurs/{Id(actor)}/signaler/merci");
        var flood = await visitor.PostFormAsync(form, [new("Kind", "autre"), new("Message", "encore")], token);
        Assert.Equal(HttpStatusCode.TooManyRequests, flood.StatusCode);
        Assert.NotNull(flood.Headers.RetryAfter);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from actor_report where actor_id = @actor", new { actor }));

        // An unknown or archived listing has no form.
        var archived = await ActorRows.InsertAsync(connection, "Ancienne fiche", 1, "musee", 4.9190, 45.7790, status: "archived");
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(new Uri($"/acteurs/{Id(archived)}/signaler", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_curator_sees_and_handles_only_reports_within_their_scope()
    {
        await using var connection = await database.OpenAsync();
        var lyon = await ActorRows.InsertAsync(connection, "Musée des Confluences", 1, "musee", 4.8180, 45.7330);
        var report = await connection.ExecuteScalarAsync<long>(
            "insert into actor_report (actor_id, kind, message) values (@lyon, 'erreur', 'Horaires faux à Lyon') returning id", new { lyon });
        await TestAccounts.CreateAsync(factory, $"curateur-21-signal-{suffix}@exemple.test", PortalRoles.Curator, departmentScope: "21");
        using var client = await TestAccounts.SignedInClientAsync(factory, $"curateur-21-signal-{suffix}@exemple.test");

        var (_, queue) = await client.GetPageAsync("/gestion/signalements");
        Assert.DoesNotContain("Horaires faux à Lyon", queue.Body!.TextContent, StringComparison.Ordinal);
        var refused = await client.PostFormAsync($"/gestion/signalements/{Id(report)}", [new("decision", "rejete")], await client.TokenAsync("/compte"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("ouvert", await connection.ExecuteScalarAsync<string>("select status from actor_report where id = @report", new { report }));
    }
}
