using System.Globalization;
using Dapper;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Infrastructure.Text;
using Ocim.Portal.Tests.Features.Events;
using Ocim.Portal.Tests.Features.Listings;

namespace Ocim.Portal.Tests.Infrastructure.Text;

/// <summary>
/// Control characters (C0 but tab and line breaks, DEL, C1) never get in: not through the forms (listing, event
/// proposal, registration) nor through the CSV import, so that they reach no export and no e-mail (issue 15).
/// </summary>
public sealed class ControlCharacterTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // NUL never gets this far: the framework refuses a form holding one (RefusalTests).
    private const string Dirty = "Mus\u0001ée\u001b[31m de\u007f\u0085 Dijon";

    [Theory]
    [InlineData("a\u0001b\u001b[0mc", false, "ab[0mc")]
    [InlineData("ligne 1\r\nligne 2\ttab\u0085", true, "ligne 1\nligne 2\ttab")]
    [InlineData("ligne 1\r\nligne 2\ttab", false, "ligne 1 ligne 2 tab")]
    [InlineData("  espaces gardés  ", false, "  espaces gardés  ")]
    [InlineData("Été 2026 — « ok »", false, "Été 2026 — « ok »")]
    public void Cleaning_removes_control_characters_and_keeps_line_breaks_only_in_multiline_text(string input, bool multiline, string expected) =>
        Assert.Equal(expected, TextInput.Clean(input, multiline));

    [Fact]
    public async Task The_listing_form_stores_a_name_and_acronym_without_control_characters_and_keeps_the_long_descriptions_lines()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum propre", 1, "museum", 5.0415, 47.322);
        await TestAccounts.CreateAsync(factory, "rep-controle@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-controle@exemple.test");

        var response = await ListingForms.ProposeAsync(client, actor, ("Name", Dirty), ("Acronym", "M\u0007D\u009b"), ("LongDescription", "Premier\u0002 paragraphe\r\n\r\nSecond"));

        await AssertAcceptedAsync(response, factory);
        var fields = await connection.ExecuteScalarAsync<string>("select fields::text from actor_revision where actor_id = @actor and status = 'pending'", new { actor });
        Assert.Equal("""{"name": "Musée[31m de Dijon", "acronym": "MD", "long_description": "Premier paragraphe\n\nSecond"}""", fields);
    }

    [Fact]
    public async Task An_event_proposal_title_loses_its_control_characters()
    {
        await using var factory = new PortalFactory(database.ConnectionString);
        await using var connection = await database.OpenAsync();
        var actor = await ActorRows.InsertAsync(connection, "Muséum proposant", 1, "museum", 5.0415, 47.322, "21231");
        await TestAccounts.CreateAsync(factory, "rep-controle-evt@exemple.test", PortalRoles.Representative, representedActor: actor);
        using var client = await TestAccounts.SignedInClientAsync(factory, "rep-controle-evt@exemple.test");
        var url = $"/compte/fiches/{actor}/evenements/nouveau";
        var start = EventTime.ToParis(DateTimeOffset.UtcNow.AddDays(30)).Date.AddHours(10);
        var fields = (await ListingForms.FieldsAsync(client, url, url)).With(
            ("Title", "Nuit\u0001 des\u001b étoiles\u009f"), ("Kind", "atelier"), ("Summary", "Observer\u0003 le ciel.\r\nDeux lignes."), ("AttendanceMode", "presentiel"),
            ("Venue", "fiche"), ("IsFree", "true"), ("RegistrationRequired", "true"),
            ("Sessions[0].StartsAt", start.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)),
            ("Sessions[0].EndsAt", start.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)), ("Sessions[0].Capacity", "20"));

        var response = await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields));

        await AssertAcceptedAsync(response, factory);
        var stored = await connection.QuerySingleAsync<(string Title, string Summary)>(
            "select e.title, e.summary from event e join event_proposal p on p.event_id = e.id where p.actor_id = @actor", new { actor });
        Assert.Equal(("Nuit des étoiles", "Observer le ciel.\nDeux lignes."), stored);
    }

    [Fact]
    public async Task A_registrants_name_loses_its_control_characters_before_the_export_and_the_mail()
    {
        using var portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?> { ["Mail:Outbox:Enabled"] = "false" });
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "controle-inscription", 5);
        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("controle-inscription");

        using var response = await visitor.SubmitAsync("Ada\u0001 Love\u001b[2Jlace\r\nBcc: x@y.z", "ada-controle@exemple.test");

        Assert.Equal(System.Net.HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("Ada Love[2Jlace Bcc: x@y.z", await connection.ExecuteScalarAsync<string>(
            "select full_name from registration where session_id = @s", new { s = sessions[0] }));
    }

    [Fact]
    public void The_import_removes_control_characters_and_keeps_line_breaks_in_long_texts_only()
    {
        var content = ReadActorCsv.Parse(
            "id_externe;nom;sigle;cercle;famille;commune;description_longue\n" +
            "C1;\"Mus\u0001ée\u001b de\nDijon\";M\u0007D;1;musee;21231;\"Ligne\u0000 1\nLigne 2\"\n",
            "test", [new ActorFamilyName("musee", "Musée")]);

        Assert.Empty(content.Errors);
        var record = Assert.Single(content.Records);
        Assert.Equal(("Musée de Dijon", "MD", "Ligne 1\nLigne 2"), (record.Name, record.Acronym, record.LongDescription));
    }

    private static async Task AssertAcceptedAsync(HttpResponseMessage response, PortalFactory factory)
    {
        var page = await response.ReadPageAsync();
        var errors = page.QuerySelector("h1")?.TextContent + " | " + string.Join(" | ", page.QuerySelectorAll(".field-error, .error-summary, [role=alert], .notice").Select(e => e.TextContent.Trim()));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/compte/fiches", $"{(int)response.StatusCode}: {errors}\n{string.Join("\n", factory.Logs.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)))}");
    }
}
