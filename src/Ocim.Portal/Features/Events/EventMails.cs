using System.Globalization;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

/// <summary>What the registrant is told, in French. One deduplication key per registration and kind of message.</summary>
public static class EventMails
{
    public const string Confirmed = "registration-confirmed";
    public const string Waitlisted = "registration-waitlisted";
    public const string Promoted = "registration-promoted";
    public const string Reminder = "registration-reminder";
    public const string EventCancelled = "event-cancelled";
    public const string CancelledByRegistrant = "registration-cancelled";
    public const string CancelledByStaff = "registration-cancelled-by-staff";

    /// <summary>What every message says about the session.</summary>
    public sealed record SessionFacts(string Title, string Slug, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Place);

    public static string Key(long registrationId, string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"registration:{registrationId}:{kind}");

    /// <summary>A seat is held: the address must be confirmed before <paramref name="holdUntil"/> (the kind names the seat).</summary>
    public static MailRequest ConfirmedMail(long registrationId, string fullName, string email, SessionFacts session, string siteUrl, string cancelToken, string addressToken, DateTimeOffset holdUntil) =>
        new(Confirmed, email, $"Confirmez votre inscription : {session.Title}", $"""
            Bonjour {fullName},

            Une place vous est réservée. Pour la garder, confirmez votre adresse électronique avant {Deadline(holdUntil)} (heure de Paris) en ouvrant ce lien :
            {siteUrl}{RegistrationTokens.ConfirmPath(addressToken)}
            Sans confirmation, la place sera libérée pour une autre personne.

            {Describe(session, siteUrl)}

            Si vous ne pouvez plus venir, annulez votre inscription pour libérer votre place au profit de la liste d'attente :
            {siteUrl}{RegistrationTokens.CancelPath(cancelToken)}
            Ces liens sont personnels ; chacun ne sert qu'une fois.

            Si vous n'avez rien demandé, ignorez ce message : sans confirmation, rien n'est gardé au-delà du délai.

            {Footer(siteUrl)}
            """, Key(registrationId, Confirmed));

    public static MailRequest WaitlistedMail(long registrationId, string fullName, string email, SessionFacts session, int position, string siteUrl, string cancelToken, string addressToken, DateTimeOffset holdUntil) =>
        new(Waitlisted, email, $"Liste d'attente : {session.Title}", $"""
            Bonjour {fullName},

            Toutes les places sont prises : vous êtes inscrit·e sur la liste d'attente, en position {position}.
            Pour garder votre rang, confirmez votre adresse électronique avant {Deadline(holdUntil)} (heure de Paris) en ouvrant ce lien :
            {siteUrl}{RegistrationTokens.ConfirmPath(addressToken)}
            Si une place se libère, elle vous sera attribuée dans l'ordre d'arrivée et vous recevrez un courriel de confirmation.

            {Describe(session, siteUrl)}

            Pour quitter la liste d'attente :
            {siteUrl}{RegistrationTokens.CancelPath(cancelToken)}
            Ces liens sont personnels ; chacun ne sert qu'une fois.

            Si vous n'avez rien demandé, ignorez ce message : sans confirmation, rien n'est gardé au-delà du délai.

            {Footer(siteUrl)}
            """, Key(registrationId, Waitlisted));

    /// <summary>A freed seat went to this person; <paramref name="confirmBefore"/> when their address is not confirmed yet.</summary>
    public static MailRequest PromotedMail(long registrationId, string fullName, string email, SessionFacts session, string siteUrl, DateTimeOffset? confirmBefore = null) =>
        new(Promoted, email, $"Une place s'est libérée : {session.Title}", $"""
            Bonjour {fullName},

            {(confirmBefore is { } deadline
                ? $"Bonne nouvelle : une place s'est libérée et elle vous est attribuée. Pour la garder, confirmez votre adresse avant {Deadline(deadline)} (heure de Paris) avec le lien du premier courriel reçu lors de votre inscription."
                : "Bonne nouvelle : une place s'est libérée et elle vous est attribuée. Votre inscription est confirmée.")}

            {Describe(session, siteUrl)}

            Si vous ne pouvez plus venir, utilisez le lien d'annulation reçu lors de votre inscription, afin que la personne suivante de la liste d'attente en profite.

            {Footer(siteUrl)}
            """, Key(registrationId, Promoted));

    public static MailRequest ReminderMail(long registrationId, string fullName, string email, SessionFacts session, string siteUrl) =>
        new(Reminder, email, $"Rappel : {session.Title}, {EventTime.Date(session.StartsAt)}", $"""
            Bonjour {fullName},

            Nous vous rappelons votre inscription :

            {Describe(session, siteUrl)}

            En cas d'empêchement, utilisez le lien d'annulation reçu lors de votre inscription.

            {Footer(siteUrl)}
            """, Key(registrationId, Reminder));

    public static MailRequest EventCancelledMail(long registrationId, string fullName, string email, SessionFacts session, string siteUrl) =>
        new(EventCancelled, email, $"Annulation : {session.Title}", $"""
            Bonjour {fullName},

            Nous sommes au regret de vous informer que l'événement auquel vous étiez inscrit·e est annulé par ses organisateurs.

            {Describe(session, siteUrl)}

            Veuillez nous excuser pour la gêne occasionnée.

            {Footer(siteUrl)}
            """, Key(registrationId, EventCancelled));

    public static MailRequest CancelledByRegistrantMail(long registrationId, string fullName, string email, SessionFacts session, string siteUrl) =>
        new(CancelledByRegistrant, email, $"Inscription annulée : {session.Title}", $"""
            Bonjour {fullName},

            Votre inscription est annulée, comme vous l'avez demandé. Merci d'avoir libéré votre place.

            {Describe(session, siteUrl)}

            {Footer(siteUrl)}
            """, Key(registrationId, CancelledByRegistrant));

    public static MailRequest CancelledByStaffMail(long registrationId, string fullName, string email, SessionFacts session, string siteUrl) =>
        new(CancelledByStaff, email, $"Inscription annulée : {session.Title}", $"""
            Bonjour {fullName},

            Les organisateurs ont annulé votre inscription à cette séance. Pour toute question, adressez-vous aux organisateurs indiqués sur la page de l'événement.

            {Describe(session, siteUrl)}

            {Footer(siteUrl)}
            """, Key(registrationId, CancelledByStaff));

    /// <summary>« mardi 8 décembre 2026 à 10 h 30 »: the deadline of a hold, in Paris time.</summary>
    public static string Deadline(DateTimeOffset at) => $"{EventTime.Date(at)} à {EventTime.Clock(at)}";

    private static string Describe(SessionFacts session, string siteUrl) =>
        $"« {session.Title} »\n{Capitalise(EventTime.Span(session.StartsAt, session.EndsAt))} (heure de Paris)" +
        (session.Place is null ? string.Empty : "\n" + session.Place) +
        $"\n{siteUrl}/evenements/{session.Slug}";

    private static string Footer(string siteUrl) =>
        $"""
        L'équipe du Portail Ocim
        --
        Vos données d'inscription servent uniquement à l'organisation de cet événement ; elles sont effacées après l'événement. Voir {siteUrl}/evenements/donnees-personnelles
        Ce message est envoyé automatiquement : merci de ne pas y répondre.
        """;

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpper(text[0], EventTime.French) + text[1..];
}
