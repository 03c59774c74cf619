using System.Globalization;
using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Dapper;
using Ocim.Portal.Features.Actors;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors;

public sealed class ActorPageTests : IClassFixture<DatabaseFixture>, IDisposable
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private readonly DatabaseFixture database;
    private readonly PortalFactory factory;
    private readonly HttpClient client;

    public ActorPageTests(DatabaseFixture database)
    {
        this.database = database;
        factory = new PortalFactory(database.ConnectionString);
        client = factory.CreatePageClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task The_page_shows_every_field_of_the_listing_with_French_labels()
    {
        var id = await InsertAsync(ActorPageSeed.InDijon("Muséum-jardin des sciences de Dijon") with
        {
            Acronym = "MJS",
            Circle = 1,
            Family = "museum",
            ActionTypes = ["mediation", "expositions"],
            Themes = ["astronomie", "botanique"],
            Audiences = ["scolaires", "tout-public"],
            ShortDescription = "Collections naturalistes et planétarium.",
            LongDescription = "Un **jardin** botanique et un [site d'accueil](https://example.org/accueil).",
            Address = "1 avenue Albert Premier",
            PostalCode = "21000",
            Website = "https://www.dijon.fr/museum",
            Email = "museum@example.org",
            Phone = "03 80 48 82 00",
            SocialLinks = ["https://social.example/@museum", "compte-sans-adresse"],
            OfferTrainings = "Formations des enseignants",
            OfferTourism = "Visites guidées l'été",
            OfferResources = "Exposition itinérante « Les abeilles »",
            Siret = "21210231700019",
            Rna = "W212000001",
            Uai = "0210001A",
            Museofile = "M0123",
            Source = "inventaire-bfc",
            VerifiedAt = new DateTime(2026, 3, 12, 10, 0, 0, DateTimeKind.Utc),
            VerifiedBy = "Équipe Ocim",
        });

        var (response, page) = await client.GetPageAsync(ActorLinks.Href(id, "Muséum-jardin des sciences de Dijon"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Muséum-jardin des sciences de Dijon (MJS) · Portail Ocim", page.Title);
        var facts = Facts(page);
        Assert.Equal("Cercle 1 : la CSTI est l'activité principale", facts["Cercle"]);
        Assert.Equal("Muséum d'histoire naturelle", facts["Famille"]);
        Assert.Equal("Expositions, Médiation", facts["Types d'action"]);
        Assert.Equal("Astronomie, Botanique", facts["Thèmes"]);
        Assert.Equal("Tout public, Scolaires", facts["Publics"]);
        Assert.Equal("Collections naturalistes et planétarium.", page.QuerySelector("p.page-intro").Text());
        Assert.Equal("1 avenue Albert Premier 21000 Dijon (21)", facts["Adresse"]);
        Assert.Equal("03 80 48 82 00", facts["Téléphone"]);
        Assert.Equal("www.dijon.fr/museum", facts["Site web"]);
        Assert.Equal("museum@example.org", facts["E-mail"]);
        Assert.Equal("Formations des enseignants", facts["Formations"]);
        Assert.Equal("Visites guidées l'été", facts["Offre touristique"]);
        Assert.Equal("Exposition itinérante « Les abeilles »", facts["Ressources"]);
        Assert.Equal("21210231700019", facts["SIRET / SIREN"]);
        Assert.Equal("W212000001", facts["RNA (associations)"]);
        Assert.Equal("0210001A", facts["UAI (établissements d'enseignement)"]);
        Assert.Equal("M0123", facts["Muséofile"]);
        Assert.Equal("inventaire-bfc", facts["Source"]);
        Assert.Equal("12 mars 2026 (par Équipe Ocim)", facts["Dernière vérification"]);
        Assert.Equal("Dernière vérification : 12 mars 2026 (par Équipe Ocim)", page.QuerySelector("p.verification").Text());

        var main = page.QuerySelector("main")!;
        var contact = main.QuerySelector("section.contact-card")!;
        Assert.NotNull(contact.QuerySelector("a[href='https://www.dijon.fr/museum'][rel='nofollow noopener']"));
        Assert.NotNull(contact.QuerySelector("a[href='mailto:museum@example.org']"));
        Assert.NotNull(contact.QuerySelector("a[href='tel:0380488200']"));
        Assert.NotNull(contact.QuerySelector("a[href='https://social.example/@museum']"));
        // A social « link » that is not an address is not published.
        Assert.DoesNotContain("compte-sans-adresse", main.TextContent, StringComparison.Ordinal);
        var description = main.QuerySelector(".markdown")!;
        Assert.Equal("jardin", description.QuerySelector("strong").Text());
        Assert.Equal("https://example.org/accueil", description.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll("[style]"));
    }

    [Fact]
    public async Task An_empty_listing_hides_its_empty_fields_and_says_it_was_never_verified()
    {
        var id = await InsertAsync(new ActorPageSeed { Name = "Structure sans détails", Circle = 3, Family = "autre" });

        var (response, page) = await client.GetPageAsync(ActorLinks.Href(id, "Structure sans détails"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var facts = Facts(page);
        Assert.Equal("Cercle 3 : des actions de CSTI possibles", facts["Cercle"]);
        Assert.Equal(["Cercle", "Famille", "Dernière vérification", "Source"], facts.Keys.ToList());
        var text = page.QuerySelector("main")!.TextContent;
        foreach (var empty in new[] { "non renseigné", "aucune indiquée", "aucun", "Présentation", "Activités", "Offres", "Sigle", "Site web", "Téléphone" })
        {
            Assert.DoesNotContain(empty, text, StringComparison.Ordinal);
        }

        Assert.Null(page.QuerySelector("main a[href^='/carte']"));
        Assert.Equal("jamais vérifiée", facts["Dernière vérification"]);
        Assert.Equal("Dernière vérification : jamais vérifiée", page.QuerySelector("p.verification").Text());
        Assert.Contains("n'est pas connue", page.QuerySelector("main").Text(), StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("figure.outline-map"));
    }

    [Fact]
    public async Task The_page_links_the_territories_and_draws_the_commune_with_the_point()
    {
        var id = await InsertAsync(ActorPageSeed.InDijon("Jardin de l'Arquebuse") with { Family = "jardin-botanique" });

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(id, "Jardin de l'Arquebuse"));

        var territories = page.QuerySelectorAll("ul.territories a").Select(a => (a.GetAttribute("href"), a.Text())).ToList();
        Assert.Equal(
            [("/territoires/commune/21231", "Dijon"), ("/territoires/epci/242100410", "Dijon Métropole"), ("/territoires/departement/21", "Côte-d'Or"), ("/territoires/region/27", "Bourgogne-Franche-Comté")],
            territories);
        var map = page.QuerySelector("figure.outline-map svg")!;
        Assert.NotNull(map.QuerySelector("path.territory--self"));
        var marker = map.QuerySelector("circle.actor-marker")!;
        // The point in Web Mercator (spherical formulas, R = 6 378 137 m), drawn with y pointing down.
        const double radius = 6_378_137;
        var x = radius * 5.0415 * Math.PI / 180;
        var y = radius * Math.Log(Math.Tan(Math.PI / 4 + 47.3220 * Math.PI / 360));
        Assert.Equal(x, double.Parse(marker.GetAttribute("cx")!, CultureInfo.InvariantCulture), 0.5);
        Assert.Equal(-y, double.Parse(marker.GetAttribute("cy")!, CultureInfo.InvariantCulture), 0.5);
        Assert.DoesNotContain("approchée", page.QuerySelector("main").Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_placed_at_its_commune_centre_says_the_position_is_approximate()
    {
        var id = await InsertAsync(new ActorPageSeed { Name = "Club d'astronomie de Talant", CommuneCode = "21617" });

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(id, "Club d'astronomie de Talant"));

        Assert.Contains("Position approchée : le point est le centre de la commune de Talant", page.QuerySelector("section.contact-card").Text(), StringComparison.Ordinal);
        // The map opens on the commune, not at street level: the point says nothing finer.
        Assert.StartsWith("/carte#13/", page.QuerySelector("section.contact-card a[href^='/carte']")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("position approchée", page.QuerySelector("figure.outline-map figcaption").Text(), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("figure.outline-map circle.actor-marker"));
    }

    [Fact]
    public async Task Nearby_actors_are_the_nearest_published_ones_ordered_by_distance_in_km()
    {
        // Around Quimper, far from the other tests' listings (Dijon).
        var (lon, lat) = (-4.1024, 47.9960);
        var self = await InsertAsync(new ActorPageSeed { Name = "Centre de sciences de Quimper", Longitude = lon, Latitude = lat });
        var points = new (string Name, double Lon, double Lat)[]
        {
            ("Fablab du Steir", -4.0000, 48.0500),
            ("Musée de Locronan", -4.2090, 48.0970),
            ("Bibliothèque de Kerfeunteun", -4.1024, 47.9990),
            ("Jardin de Lanniron", -4.0800, 47.9960),
        };
        foreach (var (name, pointLon, pointLat) in points)
        {
            await InsertAsync(new ActorPageSeed { Name = name, Longitude = pointLon, Latitude = pointLat });
        }

        await InsertAsync(new ActorPageSeed { Name = "Brouillon tout proche", Longitude = -4.1020, Latitude = 47.9961, Status = "draft" });
        await InsertAsync(new ActorPageSeed { Name = "Archive toute proche", Longitude = -4.1021, Latitude = 47.9962, Status = "archived" });

        // The expected distances come from PostGIS on the spheroid, independently of the page's query.
        await using var connection = await database.OpenAsync();
        var expected = new List<(string Name, double Metres)>();
        foreach (var (name, pointLon, pointLat) in points)
        {
            expected.Add((name, await connection.ExecuteScalarAsync<double>(
                "select st_distance(st_setsrid(st_makepoint(@lon, @lat), 4326)::geography, st_setsrid(st_makepoint(@pointLon, @pointLat), 4326)::geography)",
                new { lon, lat, pointLon, pointLat })));
        }

        expected.Sort((a, b) => a.Metres.CompareTo(b.Metres));

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(self, "Centre de sciences de Quimper"));

        var rows = page.QuerySelectorAll("table.nearby tbody tr")
            .Select(tr => (Name: tr.QuerySelector("th a").Text(), Distance: Html.Squash(tr.QuerySelector("td.num").Text())))
            .ToList();
        Assert.InRange(rows.Count, 4, FindNearbyActors.Count);
        Assert.Equal(expected.Select(e => e.Name), rows.Take(4).Select(r => r.Name));
        Assert.Equal(expected.Select(e => Html.Squash(Format(e.Metres))), rows.Take(4).Select(r => r.Distance));
        Assert.DoesNotContain(rows, r => r.Name is "Brouillon tout proche" or "Archive toute proche" or "Centre de sciences de Quimper");
    }

    [Fact]
    public async Task The_contact_block_comes_first_with_the_map_the_itinerary_and_a_geo_link()
    {
        var id = await InsertAsync(ActorPageSeed.InDijon("Planétarium de Dijon") with
        {
            Address = "14 rue Jehan de Marville",
            PostalCode = "21000",
            LongDescription = "Un planétarium numérique.",
            Themes = ["astronomie"],
        });

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(id, "Planétarium de Dijon"));

        var headings = page.QuerySelectorAll("main h2").Select(h => h.Text()).ToList();
        Assert.Equal("Coordonnées", headings[0]);
        Assert.True(headings.IndexOf("Coordonnées") < headings.IndexOf("Présentation"));
        var links = page.QuerySelectorAll("section.contact-card .contact-card__actions a").Select(a => (Html.Squash(a.Text()), a.GetAttribute("href"))).ToList();
        Assert.Equal(
            [
                ("Voir sur la carte", "/carte#16/47.322/5.0415"),
                ("Itinéraire vers Planétarium de Dijon (OpenStreetMap)", "https://www.openstreetmap.org/directions?route=%3B47.322%2C5.0415#map=16/47.322/5.0415"),
                ("Ouvrir dans une application de cartes", "geo:47.322,5.0415"),
            ],
            links);
        // Links the visitor may follow; nothing on the page loads from another server.
        Assert.Empty(page.QuerySelectorAll("[src^='http'], link[rel='stylesheet'][href^='http'], link[rel='icon'][href^='http']"));
    }

    [Fact]
    public async Task Nearby_listings_placed_at_a_commune_centre_say_so_instead_of_a_distance_in_metres()
    {
        // Around Saint-Brieuc, far from the other tests' listings. Two listings with only a commune: both at its centre.
        var self = await InsertAsync(new ActorPageSeed { Name = "Bibliothèque de Plérin", CommuneCode = "22187" });
        await InsertAsync(new ActorPageSeed { Name = "Club de Plérin", CommuneCode = "22187" });
        await InsertAsync(new ActorPageSeed { Name = "Médiathèque de Saint-Brieuc", CommuneCode = "22278" });
        var exact = await InsertAsync(new ActorPageSeed { Name = "Fablab de Saint-Brieuc", Longitude = -2.7600, Latitude = 48.5100 });

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(self, "Bibliothèque de Plérin"));

        var rows = page.QuerySelectorAll("table.nearby tbody tr")
            .ToDictionary(tr => tr.QuerySelector("th a").Text(), tr => Html.Squash(tr.QuerySelector("td.num").Text()));
        Assert.Equal("même commune", rows["Club de Plérin"]);
        Assert.Matches(@"^\d+([,\u00a0 ]\d+)? k?m, position approchée \(centre de la commune\)$", rows["Médiathèque de Saint-Brieuc"]);
        Assert.DoesNotContain(rows.Values, d => d is "0 m" or "0 km");

        // From an exactly placed listing, another one at its commune's centre is approximate as well.
        var (_, fromExact) = await client.GetPageAsync(ActorLinks.Href(exact, "Fablab de Saint-Brieuc"));
        var fromExactRows = fromExact.QuerySelectorAll("table.nearby tbody tr")
            .ToDictionary(tr => tr.QuerySelector("th a").Text(), tr => Html.Squash(tr.QuerySelector("td.num").Text()));
        Assert.EndsWith("position approchée (centre de la commune)", fromExactRows["Club de Plérin"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-mauvais-nom")]
    [InlineData("-musee-ancien-nom")]
    public async Task A_missing_or_stale_slug_redirects_permanently_to_the_canonical_address(string suffix)
    {
        var id = await InsertAsync(ActorPageSeed.InDijon("Musée de la Vie bourguignonne"));

        var response = await client.GetAsync(new Uri($"/acteurs/{id}{suffix}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal($"/acteurs/{id}-musee-de-la-vie-bourguignonne", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("archived")]
    public async Task A_draft_or_archived_listing_is_not_public(string status)
    {
        var id = await InsertAsync(ActorPageSeed.InDijon("Listing non public") with { Status = status });

        foreach (var url in new[] { $"/acteurs/{id}", ActorLinks.Href(id, "Listing non public") })
        {
            var (response, page) = await client.GetPageAsync(url);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("Page introuvable", page.QuerySelector("h1").Text());
        }
    }

    [Theory]
    [InlineData("/acteurs/999999999")]
    [InlineData("/acteurs/999999999-inconnu")]
    [InlineData("/acteurs/99999999999999999999")]
    [InlineData("/acteurs/abc")]
    [InlineData("/acteurs/12abc")]
    public async Task An_unknown_actor_gives_a_French_404(string url)
    {
        var (response, page) = await client.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("fr", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Page introuvable", page.QuerySelector("h1").Text());
    }

    [Fact]
    public async Task The_JSON_LD_parses_and_a_hostile_name_stays_inside_the_data_block()
    {
        const string name = "Musée </script><script>alert(1)</script> <!-- & Cie";
        var id = await InsertAsync(ActorPageSeed.InDijon(name) with
        {
            Address = "2 rue </script>",
            PostalCode = "21000",
            Website = "https://musee.example/",
            SocialLinks = ["https://social.example/musee", "javascript:alert(1)"],
        });

        var (response, page) = await client.GetPageAsync(ActorLinks.Href(id, name));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var script = Assert.Single(page.QuerySelectorAll("script:not([src])"));
        Assert.Equal("application/ld+json", script.GetAttribute("type"));
        Assert.Equal(name, page.QuerySelector("h1")!.FirstChild!.TextContent);
        Assert.DoesNotContain("<script>alert(1)", raw, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(script.TextContent);
        var root = json.RootElement;
        Assert.Equal("https://schema.org", root.GetProperty("@context").GetString());
        Assert.Equal("Museum", root.GetProperty("@type").GetString());
        Assert.Equal(name, root.GetProperty("name").GetString());
        Assert.Equal("https://musee.example/", root.GetProperty("url").GetString());
        Assert.EndsWith(ActorLinks.Href(id, name), root.GetProperty("@id").GetString(), StringComparison.Ordinal);
        var address = root.GetProperty("address");
        Assert.Equal("PostalAddress", address.GetProperty("@type").GetString());
        Assert.Equal("2 rue </script>", address.GetProperty("streetAddress").GetString());
        Assert.Equal("21000", address.GetProperty("postalCode").GetString());
        Assert.Equal("Dijon", address.GetProperty("addressLocality").GetString());
        Assert.Equal("FR", address.GetProperty("addressCountry").GetString());
        Assert.Equal(47.322, root.GetProperty("geo").GetProperty("latitude").GetDouble(), 4);
        Assert.Equal(5.0415, root.GetProperty("geo").GetProperty("longitude").GetDouble(), 4);
        Assert.Equal(["https://social.example/musee"], root.GetProperty("sameAs").EnumerateArray().Select(e => e.GetString()).ToList());
    }

    [Theory]
    [InlineData("organisme-de-recherche", "ResearchOrganization")]
    [InlineData("universite", "CollegeOrUniversity")]
    [InlineData("bibliotheque", "Library")]
    [InlineData("association", "NGO")]
    public async Task The_JSON_LD_type_follows_the_family(string family, string type)
    {
        var id = await InsertAsync(ActorPageSeed.InDijon("Structure " + family) with { Family = family });

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(id, "Structure " + family));

        using var json = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent);
        Assert.Equal(type, json.RootElement.GetProperty("@type").GetString());
        // geo belongs to places; organisations carry it in their location.
        var hasGeo = json.RootElement.TryGetProperty("geo", out _) || json.RootElement.GetProperty("location").TryGetProperty("geo", out _);
        Assert.True(hasGeo);
    }

    [Fact]
    public async Task Script_in_the_long_description_renders_as_harmless_text()
    {
        const string description = """
            <script>alert(1)</script>

            [x](javascript:alert(1)) [y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

            ![z](javascript:alert(1)) <img src=x onerror=alert(1)>

            [bon lien](https://example.org)
            """;
        var id = await InsertAsync(ActorPageSeed.InDijon("Musée du test XSS") with { LongDescription = description });

        var (_, page) = await client.GetPageAsync(ActorLinks.Href(id, "Musée du test XSS"));

        Assert.Equal("application/ld+json", Assert.Single(page.QuerySelectorAll("script:not([src])")).GetAttribute("type"));
        Assert.Empty(page.QuerySelectorAll("main img, main iframe, main object, main embed"));
        Assert.DoesNotContain(page.QuerySelectorAll("*").SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        foreach (var element in page.QuerySelectorAll("main [href], main [src]"))
        {
            var url = element.GetAttribute("href") ?? element.GetAttribute("src")!;
            // geo: and tel: are the contact block's own links, written from numbers only.
            Assert.True(url.StartsWith('/') || url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("mailto:", StringComparison.Ordinal)
                || System.Text.RegularExpressions.Regex.IsMatch(url, @"^(geo:-?[0-9.]+,-?[0-9.]+|tel:\+?[0-9]+)$"), url);
        }

        var markdown = page.QuerySelector(".markdown")!;
        Assert.Equal(["https://example.org"], markdown.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToList());
        Assert.Contains("<script>alert(1)</script>", markdown.TextContent, StringComparison.Ordinal);
    }

    /// <summary>« 850 m » below a kilometre, one decimal below ten, whole kilometres beyond, French separators.</summary>
    private static string Format(double metres) => metres switch
    {
        < 1000 => (Math.Round(metres / 10) * 10).ToString("N0", French) + " m",
        < 10_000 => (metres / 1000).ToString("N1", French) + " km",
        _ => (metres / 1000).ToString("N0", French) + " km",
    };

    private async Task<long> InsertAsync(ActorPageSeed seed)
    {
        await using var connection = await database.OpenAsync();
        return await seed.InsertAsync(connection);
    }

    /// <summary>Every term of the page's definition lists with its value (white space collapsed); the first wins.</summary>
    private static Dictionary<string, string> Facts(IDocument page)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in page.QuerySelectorAll("dl.contact-card__fields > div, dl.facts > div, dl.fields > div"))
        {
            facts.TryAdd(pair.QuerySelector("dt").Text(), Html.Squash(pair.QuerySelector("dd").Text()));
        }

        return facts;
    }
}
