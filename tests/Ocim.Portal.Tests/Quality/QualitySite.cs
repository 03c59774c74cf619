using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Tests.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>One page template the quality gates check (accessibility, HTML validity, French, outages).</summary>
/// <param name="Name">What the page is, for assertion messages.</param>
/// <param name="Path">Its address on the seeded <see cref="QualitySite"/>.</param>
/// <param name="Status">The status it answers when everything works.</param>
/// <param name="Database">False for pages that never read the database: they still answer during an outage.</param>
/// <param name="Fragment">An HTML fragment that a page inserts (no layout of its own): checked inside a page.</param>
/// <param name="Account">Seen signed in as this account of <see cref="QualitySite"/> (null: a visitor).</param>
/// <param name="Form">The answer to this form of the page, submitted with these fields (errors pages of forms).</param>
public sealed record QualityPage(
    string Name, string Path, int Status = 200, bool Database = true, bool Fragment = false, string? Account = null, QualityForm? Form = null)
{
    public override string ToString() => Form is null ? $"{Name} ({Path})" : $"{Name} ({Path} → POST {Form.Action})";
}

/// <summary>A form of a page (its action) and the fields typed into it; the antiforgery token comes from the page.</summary>
public sealed record QualityForm(string Action, params (string Name, string Value)[] Fields);

/// <summary>A page as served: its status, headers (response and content) and HTML.</summary>
public sealed record FetchedPage(QualityPage Page, int Status, IReadOnlyDictionary<string, string> Headers, string Html)
{
    /// <summary>The HTML as a whole document: a fragment is put in a minimal French page, as the map page inserts it.</summary>
    public string Document => Page.Fragment
        ? $"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{Page.Name}</title></head><body><main>{Html}</main></body></html>"
        : Html;
}

/// <summary>
/// Every page template of the portal, on a database with a few listings (Dijon, Rennes). Adding a page to every gate
/// is one line in <see cref="QualitySite.PagesFor"/>.
/// </summary>
public sealed class QualitySite : IAsyncLifetime, IDisposable
{
    public const string ListingName = "Muséum-jardin des sciences de Dijon";

    /// <summary>The personal link of the seeded survey campaign (campaign 1, on the listing).</summary>
    public const string QuestionnaireToken = "Qualite-du-questionnaire-0123456789abcdefgh";

    /// <summary>« Mes données » links of <see cref="MyDataEmail"/>: not opened yet, opened (its data shown), expired.</summary>
    public const string MyDataReadyToken = "Qualite-mes-donnees-pret-0123456789abcdefgh";
    public const string MyDataOpenToken = "Qualite-mes-donnees-ouvert-0123456789abcdef";
    public const string MyDataExpiredToken = "Qualite-mes-donnees-expire-0123456789abcdef";
    public const string MyDataEmail = "lea.qualite@example.org";

    /// <summary>A curator's account (staff pages), with <see cref="TestAccounts.Password"/>.</summary>
    public const string Curator = "curatrice.qualite@exemple.test";

    /// <summary>
    /// Settings of the apps that serve <see cref="Pages"/>: each signed-in page signs in afresh, and each form is
    /// posted, so the per-address limits are raised above the number of pages.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Portal:RateLimits:connexion:PerMinute"] = "1000",
        ["Portal:RateLimits:signalement:PerMinute"] = "1000",
        ["Portal:RateLimits:revendication:PerMinute"] = "1000",
        ["Portal:RateLimits:questionnaire:PerMinute"] = "1000",
        ["Portal:RateLimits:mes-donnees:PerMinute"] = "1000",
        // The opened « Mes données » link stays readable however long the gates take.
        ["MyData:OpenMinutes"] = "1440",
    };

    private readonly Lock gate = new();
    private PortalFactory? portal;
    private Task<IReadOnlyList<FetchedPage>>? fetched;

    public DatabaseFixture Database { get; } = new();

    public string ConnectionString => Database.ConnectionString;

    public IReadOnlyList<QualityPage> Pages { get; private set; } = [];

    /// <summary>The whole pages, without the fragments.</summary>
    public IEnumerable<QualityPage> FullPages => Pages.Where(p => !p.Fragment);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await using var connection = await Database.OpenAsync();
        var listing = await (ActorPageSeed.InDijon(ListingName) with
        {
            Acronym = "MJS",
            Family = "museum",
            ActionTypes = ["mediation", "expositions"],
            Themes = ["astronomie", "botanique"],
            Audiences = ["scolaires", "tout-public"],
            ShortDescription = "Collections naturalistes et planétarium.",
            LongDescription = "Un **jardin** botanique et un [site d'accueil](https://example.org/accueil).",
            Address = "1 avenue Albert Premier",
            PostalCode = "21000",
            Website = "https://example.org/museum",
            Email = "museum@example.org",
            Phone = "03 80 48 82 00",
            OfferResources = "Exposition itinérante « Les abeilles »",
            VerifiedAt = new DateTime(2026, 3, 12, 10, 0, 0, DateTimeKind.Utc),
            VerifiedBy = "Équipe Ocim",
        }).InsertAsync(connection);
        await (ActorPageSeed.InDijon("Jardin de l'Arquebuse") with { Family = "jardin-botanique", Longitude = 5.0301, Latitude = 47.3214 }).InsertAsync(connection);
        await (ActorPageSeed.InDijon("Bibliothèque Champollion") with { Circle = 3, Family = "bibliotheque", Longitude = 5.0450, Latitude = 47.3300 }).InsertAsync(connection);
        await new ActorPageSeed { Name = "Espace des sciences de Rennes", Circle = 1, Family = "centre-de-sciences", Longitude = -1.6742, Latitude = 48.1100 }.InsertAsync(connection);
        await new ActorPageSeed { Name = "Labo 100 % sciences", Circle = 2, Family = "association", Longitude = -1.6800, Latitude = 48.1150 }.InsertAsync(connection);
        await new ActorPageSeed { Name = "Club_astro de Rennes", Circle = 3, Family = "association", Longitude = -1.6700, Latitude = 48.1050 }.InsertAsync(connection);
        await Dapper.SqlMapper.ExecuteAsync(connection, """
            insert into campaign (title, year, opens_on, closes_on) values ('Enquête annuelle 2025', 2025, current_date - 1, current_date + 30);
            insert into campaign_recipient (campaign_id, actor_id, email, token_hash, invited_at) values (1, @listing, 'museum@example.org', @hash, now());
            insert into campaign_recipient (campaign_id, actor_id) select 1, id from actor where id <> @listing;
            """, new { listing, hash = Ocim.Portal.Features.Campaigns.CampaignTokens.Hash(QuestionnaireToken) });
        var (eventId, _) = await Features.Events.EventRows.InsertAsync(connection, "atelier-qualite", 20, title: "Atelier « qualité » des médiateurs");
        // A registration and three « Mes données » links of its address (the tokens' hashes, as the app stores them).
        await Dapper.SqlMapper.ExecuteAsync(connection, """
            insert into registration (session_id, status, full_name, email, organisation, role, consent_at, idempotency_key, cancel_token_hash, confirmed_at)
            select s.id, 'confirmed', 'Léa Qualité', @email, 'Muséum de Dijon', 'Médiatrice', now(), gen_random_uuid(), sha256(convert_to('qualite', 'UTF8')), now()
            from event_session s where s.event_id = @eventId;
            insert into data_access_token (email, token_hash, created_at, expires_at, used_at) values
                (@email, @ready, now(), now() + interval '1 day', null),
                (@email, @open, now(), now() + interval '1 day', now()),
                (@email, @expired, now() - interval '25 hours', now() - interval '1 hour', null);
            """, new
        {
            email = MyDataEmail,
            eventId,
            ready = Ocim.Portal.Features.Events.RegistrationTokens.Hash(MyDataReadyToken),
            open = Ocim.Portal.Features.Events.RegistrationTokens.Hash(MyDataOpenToken),
            expired = Ocim.Portal.Features.Events.RegistrationTokens.Hash(MyDataExpiredToken),
        });
        await Features.Events.EventRows.InsertAsync(connection, "atelier-passe-qualite", 20, [DateTimeOffset.UtcNow.AddDays(-30)], title: "Atelier passé");
        portal = new PortalFactory(ConnectionString, Settings);
        var curator = await TestAccounts.CreateAsync(portal, Curator, PortalRoles.Curator);
        // The curator has drawn an authenticator key, so that the two-factor page shows the key and its form.
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>();
        await users.ResetAuthenticatorKeyAsync((await users.FindByIdAsync(curator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))!);

        // An event the curator proposed for the listing, still pending (a draft and its proposal row).
        var (proposedEvent, _) = await Features.Events.EventRows.InsertAsync(connection, "nuit-des-etoiles-qualite", 30, status: "draft", title: "Nuit des étoiles au jardin");
        var proposal = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "update event set venue_actor_id = @listing, organiser_actor_id = @listing where id = @proposedEvent; " +
            "insert into event_proposal (event_id, actor_id, proposed_by) values (@proposedEvent, @listing, @curator) returning id",
            new { proposedEvent, listing, curator = curator.Id });
        Pages = PagesFor(ActorLinks.Href(listing, ListingName), eventId, proposal);
    }

    /// <summary>A client of <paramref name="factory"/> as the page is seen: a visitor, or signed in as its account.</summary>
    public static async Task<HttpClient> ClientForAsync(PortalFactory factory, QualityPage page) =>
        page.Account is null ? factory.CreatePageClient() : await TestAccounts.SignedInClientAsync(factory, page.Account);

    /// <summary>GETs the page, or submits its form and returns the answer.</summary>
    public static async Task<HttpResponseMessage> RequestAsync(HttpClient client, QualityPage page) =>
        page.Form is null
            ? await client.GetAsync(new Uri(page.Path, UriKind.Relative))
            : await client.SubmitAsync(page.Path, page.Form.Action, page.Form.Fields);

    public async Task DisposeAsync()
    {
        Dispose();
        await Database.DisposeAsync();
    }

    public void Dispose() => portal?.Dispose();

    /// <summary>Every page as the in-memory app serves it, fetched once for all the tests of a class.</summary>
    public Task<IReadOnlyList<FetchedPage>> FetchAllAsync()
    {
        lock (gate)
        {
            return fetched ??= FetchAsync();
        }
    }

    private async Task<IReadOnlyList<FetchedPage>> FetchAsync()
    {
        var pages = new List<FetchedPage>();
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var page in Pages)
        {
            var key = page.Account ?? string.Empty;
            if (!clients.TryGetValue(key, out var client))
            {
                clients[key] = client = await ClientForAsync(portal!, page);
            }

            using var response = await RequestAsync(client, page);
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            pages.Add(new FetchedPage(page, (int)response.StatusCode, headers, await response.Content.ReadAsStringAsync()));
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        return pages;
    }

    /// <summary>
    /// The page templates, one line each (a form's answer, a signed-in page: see <see cref="QualityPage"/>). Pages of
    /// features still to come go here as they land: events (issue 5): the list of events, an event page, its
    /// registration form (empty and submitted with errors), the confirmation and waiting-list pages; moderation: the
    /// queue and a revision (with <see cref="Curator"/>).
    /// </summary>
    private static string ListingId(string listing) => listing.Split('/')[2].Split('-')[0];

    public static IReadOnlyList<QualityPage> PagesFor(string listing, long eventId, long proposal) =>
    [
        new("Accueil", "/"), // its figures and next events are read live
        new("Annuaire", "/acteurs"),
        new("Annuaire filtré", "/acteurs?cercle=1&departement=21&q=mus%C3%A9um"),
        new("Annuaire sans résultat", "/acteurs?q=aucun-acteur-ne-porte-ce-nom"),
        new("Annuaire, lieu lu dans la recherche", "/acteurs?q=mus%C3%A9um&commune=21231&lu=Dijon"),
        new("Lieux", "/lieux", Database: false),
        new("Lieux trouvés", "/lieux?q=saint+denis&vers=carte"),
        new("Lieux, recherche refusée", "/lieux?q=%01", Status: 400, Database: false),
        new("Annuaire, filtre incorrect", "/acteurs?rayon=beaucoup&cercle=9", Status: 400),
        new("Fiche d'un acteur", listing),
        new("Carte", "/carte"),
        new("Carte filtrée", "/carte?cercle=1"),
        new("Liste de la carte", "/carte/liste?bbox=4.9,47.2,5.2,47.4", Fragment: true),
        new("Territoires", "/territoires"),
        new("Région", "/territoires/region/27"),
        new("Département", "/territoires/departement/21"),
        new("Intercommunalité", "/territoires/epci/242100410"),
        new("Commune", "/territoires/commune/21231"),
        new("Zones blanches de France", "/territoires/couverture"),
        new("Zones blanches d'un département", "/territoires/departement/21/couverture?cercle=1"),
        new("Sources des données", "/territoires/sources"),
        new("Déclaration d'accessibilité", "/accessibilite", Database: false),
        new("Données personnelles", "/donnees-personnelles", Database: false),
        new("Connexion", "/connexion", Database: false),
        new("Connexion, formulaire vide", "/connexion", Form: new("/connexion")),
        new("Connexion refusée", "/connexion", Form: new("/connexion", ("Email", "inconnu@exemple.test"), ("Password", "une phrase de passe inconnue ici"))),
        new("Compte", "/compte", Account: Curator),
        new("Compte, changement de mot de passe refusé", "/compte", Account: Curator, Form: new("/compte/mot-de-passe", ("Current", "pas le bon"), ("New", "court"), ("Confirm", "autre"))),
        new("Double authentification", "/compte/double-authentification", Account: Curator),
        new("Double authentification, code refusé", "/compte/double-authentification", Status: 400, Account: Curator, Form: new("/compte/double-authentification", ("Code", "000000"))),
        new("Espace de gestion", "/gestion", Account: Curator),
        new("Campagnes d'enquête", "/gestion/campagnes", Account: Curator),
        new("Campagne refusée", "/gestion/campagnes", Status: 400, Account: Curator, Form: new("/gestion/campagnes", ("Title", ""), ("Year", "1800"), ("Population", "cercle=9"))),
        new("Campagne", "/gestion/campagnes/1", Account: Curator),
        new("Suivi d'une campagne", "/gestion/campagnes/1/suivi", Account: Curator),
        new("Questionnaire", "/questionnaire/" + QuestionnaireToken),
        new("Questionnaire avec erreurs", "/questionnaire/" + QuestionnaireToken, Status: 400, Form: new("/questionnaire/" + QuestionnaireToken, ("Attendance", "-3"), ("DurationHours", "beaucoup"))),
        new("Mes fiches", "/compte/fiches", Account: Curator),
        new("Modifier une fiche", $"/compte/fiches/{ListingId(listing)}/modifier", Account: Curator),
        new("Modifier une fiche, erreurs", $"/compte/fiches/{ListingId(listing)}/modifier", Status: 400, Account: Curator, Form: new($"/compte/fiches/{ListingId(listing)}/modifier", ("Name", ""), ("Latitude", "91"), ("Siret", "123"))),
        new("C'est ma structure", $"/acteurs/{ListingId(listing)}/c-est-ma-structure"),
        new("C'est ma structure, erreurs", $"/acteurs/{ListingId(listing)}/c-est-ma-structure", Status: 400, Form: new($"/acteurs/{ListingId(listing)}/c-est-ma-structure", ("Email", "pas une adresse"))),
        new("Inviter un représentant", $"/gestion/acteurs/{ListingId(listing)}/inviter", Account: Curator),
        new("Proposer un événement", $"/compte/fiches/{ListingId(listing)}/evenements/nouveau", Account: Curator),
        new("Proposer un événement, erreurs", $"/compte/fiches/{ListingId(listing)}/evenements/nouveau", Status: 400, Account: Curator,
            Form: new($"/compte/fiches/{ListingId(listing)}/evenements/nouveau", ("Title", ""), ("Sessions[0].Capacity", "beaucoup"))), // a browser cannot type text into a datetime-local field
        new("Proposition d'événement", $"/compte/fiches/{ListingId(listing)}/evenements/{proposal}", Account: Curator),
        new("Événement proposé, à relire", $"/gestion/moderation/evenements/{proposal}", Account: Curator),
        new("Événement proposé, refus sans motif", $"/gestion/moderation/evenements/{proposal}", Status: 400, Account: Curator,
            Form: new($"/gestion/moderation/evenements/{proposal}/rejeter", ("Message", ""))),
        new("File de modération", "/gestion/moderation", Account: Curator),
        new("Historique d'une fiche", $"/gestion/acteurs/{ListingId(listing)}/historique", Account: Curator),
        new("Invitation introuvable", "/invitation/" + new string('A', 43), Status: 404),
        new("Questionnaire, lien inconnu", "/questionnaire/" + new string('x', 43), Status: 404),
        new("Doublons possibles", "/gestion/doublons?departement=21", Account: Curator),
        new("Comparaison avant fusion", "/gestion/doublons/fusion?a=1&b=2", Account: Curator),
        new("Fusion d'une fiche avec elle-même", "/gestion/doublons/fusion?a=1&b=1", Status: 400, Account: Curator),
        new("Historique après fusion", "/gestion/doublons/fusion/1", Account: Curator),
        new("Fraîcheur des fiches", "/gestion/fraicheur", Account: Curator),
        new("Fraîcheur d'une région", "/gestion/fraicheur?region=27", Account: Curator),
        new("Fiches jamais vérifiées", "/gestion/fraicheur/fiches?etat=jamais", Account: Curator),
        new("Signalements", "/gestion/signalements", Account: Curator),
        new("Signaler une erreur", "/acteurs/1/signaler"),
        new("Signalement avec erreurs", "/acteurs/1/signaler", Status: 400, Form: new("/acteurs/1/signaler", ("Message", ""), ("Email", "pas-une-adresse"))),
        new("Signalement envoyé", "/acteurs/1/signaler/merci"),
        new("Import", "/gestion/import", Database: false, Account: Curator), // the upload form reads no table
        new("Import sans fichier", "/gestion/import", Status: 400, Account: Curator, Form: new("/gestion/import")),
        new("Familles", "/gestion/familles", Account: Curator),
        new("Famille refusée", "/gestion/familles", Status: 400, Account: Curator, Form: new("/gestion/familles", ("nom", ""))),

        new("Événements", "/evenements"),
        new("Événements filtrés", "/evenements?type=atelier&region=27&places=1"),
        new("Événements, filtre incorrect", "/evenements?type=inconnu&du=hier", Status: 400),
        new("Archives des événements", "/evenements/archives"),
        new("Événement", "/evenements/atelier-qualite"),
        new("Inscription à un événement", "/evenements/atelier-qualite/inscription"),
        new("Inscription, formulaire incomplet", "/evenements/atelier-qualite/inscription", Status: 400,
            Form: new("/evenements/atelier-qualite/inscription", ("FullName", ""), ("Email", "pas-une-adresse"))),
        new("Données personnelles des inscriptions", "/evenements/donnees-personnelles", Database: false),
        new("Mes données", "/mes-donnees", Database: false),
        new("Mes données, adresse refusée", "/mes-donnees", Status: 400, Form: new("/mes-donnees", ("Email", "pas-une-adresse"))),
        new("Mes données, demande enregistrée", "/mes-donnees", Form: new("/mes-donnees", ("Email", MyDataEmail))),
        new("Mes données, lien à ouvrir", "/mes-donnees/" + MyDataReadyToken),
        new("Mes données, inscriptions", "/mes-donnees/" + MyDataOpenToken),
        new("Mes données, lien expiré", "/mes-donnees/" + MyDataExpiredToken, Status: 410),
        new("Mes données, lien introuvable", "/mes-donnees/" + new string('A', 43), Status: 404),
        new("Gestion des événements", "/gestion/evenements", Account: Curator),
        new("Nouvel événement", "/gestion/evenements/nouveau", Account: Curator),
        new("Événement à modifier", $"/gestion/evenements/{eventId}", Account: Curator),
        new("Événement, formulaire refusé", $"/gestion/evenements/{eventId}", Status: 400, Account: Curator,
            Form: new($"/gestion/evenements/{eventId}", ("Title", ""), ("CommuneCode", "99999"))),
        new("Inscrits d'un événement", $"/gestion/evenements/{eventId}/inscrits", Account: Curator),
        new("Indice de relation culturelle", "/gestion/evenements/irc", Account: Curator),
        new("Page introuvable", "/cette-page-n-existe-pas", Status: 404, Database: false),
        new("Service indisponible", "/erreur/503", Status: 503, Database: false),
    ];
}
