using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// Demo events for a fresh portal (`./portal seed`, when there is no event at all), with sessions a few weeks after
/// the current date so that registration is open: the OCIM workshop of ../shared/seeds/001 (Dijon, La Coursive
/// Boutaric), a visit from the Fête de la science open data (MESR, Licence Ouverte), and a webinar given as an
/// example of a multi-session online event. Returns how many events it wrote (0 when the catalogue was not empty).
/// </summary>
public sealed partial class LoadDemoEvents(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<LoadDemoEvents> logger)
{
    private static readonly string[] WorkshopThemes = ["sciences-humaines", "patrimoine"];
    private static readonly string[] VisitThemes = ["techniques-industrie", "patrimoine"];
    private static readonly string[] WebinarThemes = ["pluridisciplinaire"];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One loader at a time, and nothing when an event exists: a second seed changes nothing.
        await connection.ExecuteAsync(new CommandDefinition("lock table event in share row exclusive mode", transaction: transaction, cancellationToken: cancellationToken));
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select from event)", transaction: transaction, cancellationToken: cancellationToken)))
        {
            return 0;
        }

        var today = DateOnly.FromDateTime(EventTime.ToParis(clock.GetUtcNow()).DateTime);
        DateTimeOffset At(int days, int hour, int minute) => EventTime.FromParis(today.AddDays(days).ToDateTime(new TimeOnly(hour, minute)));

        var workshop = await InsertEventAsync(connection, transaction, new
        {
            slug = "tiers-lieux-et-institutions-culturelles-cooperer-et-faire-commun",
            kind = "workshop",
            title = "Tiers-lieux et institutions culturelles : coopérer et faire commun sur le territoire",
            summary = "Workshop annuel de l'Ocim entre acteurs des musées, de la recherche, du secteur privé et associatif : les coopérations entre tiers-lieux et institutions culturelles.",
            about = """
                Dans le cadre de sa participation au consortium SAPS UBFC, l'Ocim propose une série de workshops annuels destinés à tisser des liens entre les acteurs des musées, de la recherche, du secteur privé et associatif. Le workshop porte cette année sur les coopérations impliquant les tiers-lieux et les institutions culturelles, notamment les musées.

                Comment se structurent et s'organisent ces écosystèmes respectifs ? Quelles dynamiques de coopération et d'expérimentation sont initiées ? Qu'en est-il des formes de médiation et d'intermédiation proposées ?

                La rencontre est organisée en partenariat avec La Coursive Boutaric, une association née en 2010. Ce rendez-vous interprofessionnel s'appuiera sur des retours d'expériences, avec des temps d'échanges et de réflexivité autour des actions menées ou à venir.
                """,
            objectives = """
                - Renforcer l'interconnaissance entre les professionnels des tiers-lieux, des institutions culturelles et muséales pour inspirer de nouvelles actions ;
                - Réfléchir aux possibles coopérations entre les acteurs ;
                - Analyser les pratiques professionnelles au regard du dialogue entre la science et la société et des enjeux contemporains.
                """,
            audience = "Professionnels des institutions culturelles et notamment des musées, professionnels des tiers-lieux culturels et d'innovation ouverte, acteurs de la recherche, des industries culturelles et créatives, et toute personne intéressée par la thématique de la journée.",
            accessibility = "Lieu accessible de plain-pied. Précisez vos besoins lors de l'inscription.",
            themes = WorkshopThemes,
            attendanceMode = "presentiel",
            onlineUrl = (string?)null,
            venueName = "La Coursive Boutaric",
            venueAddress = "2 rue Boutaric",
            venuePostalCode = "21000",
            communeCode = "21231",
            longitude = (double?)null,
            latitude = (double?)null,
            registrationRequired = true,
        }, cancellationToken);
        await InsertSessionAsync(connection, transaction, workshop, At(21, 9, 30), At(21, 17, 0), 40, cancellationToken);
        await InsertPartnersAsync(connection, transaction, workshop, ["La Coursive Boutaric", "Consortium SAPS UBFC"], cancellationToken);

        var visit = await InsertEventAsync(connection, transaction, new
        {
            slug = "carreaux-de-ciment-mosaique-viviers",
            kind = "rencontre",
            title = "Les carreaux de ciment mosaïque : « Invention et création du carreau de ciment »",
            summary = "Suivez cette visite et laissez-vous conter l'histoire du carreau de ciment, appelé aussi « carreau mosaïque », une initiative et invention vivaroise. D'après la Fête de la science 2018 (données ouvertes du MESR, Licence Ouverte).",
            about = "Parcours scientifique « Innovations et industries ». Visite proposée lors de la Fête de la science ; fiche d'origine : https://www.fetedelascience.fr/pid35201/fiche-evenement.html?identifiant=37977073",
            objectives = (string?)null,
            audience = "Étudiants (18-25 ans), familles, seniors",
            accessibility = (string?)null,
            themes = VisitThemes,
            attendanceMode = "presentiel",
            onlineUrl = (string?)null,
            venueName = "Ancienne Cité ouvrière Lafarge",
            venueAddress = "RD 86",
            venuePostalCode = "07220",
            communeCode = (string?)null,
            longitude = (double?)4.691077,
            latitude = (double?)44.480273,
            registrationRequired = false,
        }, cancellationToken);
        await InsertSessionAsync(connection, transaction, visit, At(45, 14, 0), At(45, 16, 0), 0, cancellationToken);

        var webinar = await InsertEventAsync(connection, transaction, new
        {
            slug = "webinaire-indice-de-relation-culturelle",
            kind = "webinaire",
            title = "Webinaire : évaluer ses actions avec l'indice de relation culturelle",
            summary = "Exemple de démonstration : deux séances en ligne pour compter présences et durées, et comparer des actions de formats différents.",
            about = "L'**indice de relation culturelle** (IRC) multiplie la fréquentation par la durée : dix élèves chaque mercredi après-midi pendant un an pèsent plus qu'une conférence de deux cents personnes. Ce webinaire présente l'indicateur et son usage par les réseaux régionaux.",
            objectives = "- Calculer l'IRC d'une action ;\n- Le comparer d'une année et d'un territoire à l'autre.",
            audience = "Médiatrices et médiateurs, responsables de structures de culture scientifique, réseaux régionaux.",
            accessibility = "Sous-titrage en direct.",
            themes = WebinarThemes,
            attendanceMode = "en-ligne",
            onlineUrl = (string?)"https://visio.example.org/ocim-irc",
            venueName = (string?)null,
            venueAddress = (string?)null,
            venuePostalCode = (string?)null,
            communeCode = (string?)null,
            longitude = (double?)null,
            latitude = (double?)null,
            registrationRequired = true,
        }, cancellationToken);
        await InsertSessionAsync(connection, transaction, webinar, At(10, 11, 0), At(10, 12, 30), 100, cancellationToken);
        await InsertSessionAsync(connection, transaction, webinar, At(17, 11, 0), At(17, 12, 30), 100, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        LogLoaded(logger, 3);
        return 3;
    }

    private static Task<long> InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, object e, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into event (slug, kind, title, summary, about, objectives, audience, accessibility, themes, attendance_mode, online_url,
                               venue_name, venue_address, venue_postal_code, commune_code, longitude, latitude,
                               organiser_name, is_free, registration_required, status)
            values (@slug, @kind, @title, @summary, @about, @objectives, @audience, @accessibility, @themes, @attendanceMode, @onlineUrl,
                    @venueName, @venueAddress, @venuePostalCode, @communeCode, @longitude, @latitude,
                    'Ocim', true, @registrationRequired, 'published')
            returning id
            """, e, transaction, cancellationToken: cancellationToken));

    private static Task<int> InsertSessionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long eventId, DateTimeOffset start, DateTimeOffset end, int capacity, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "insert into event_session (event_id, starts_at, ends_at, capacity) values (@eventId, @start, @end, @capacity)",
            new { eventId, start = start.UtcDateTime, end = end.UtcDateTime, capacity }, transaction, cancellationToken: cancellationToken));

    private static async Task InsertPartnersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long eventId, string[] names, CancellationToken cancellationToken)
    {
        for (var i = 0; i < names.Length; i++)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "insert into event_partner (event_id, position, name) values (@eventId, @i, @name)", new { eventId, i, name = names[i] }, transaction, cancellationToken: cancellationToken));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo events loaded: {Count}")]
    private static partial void LogLoaded(ILogger logger, int count);
}
