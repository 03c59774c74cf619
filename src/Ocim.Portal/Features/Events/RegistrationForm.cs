using System.ComponentModel.DataAnnotations;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Events;

/// <summary>
/// The registration form as posted. <see cref="Website"/> is the honeypot: hidden from people (and from assistive
/// technologies), filled in by naive bots. <see cref="Key"/> is drawn when the form is shown: the same form posted twice
/// is one registration.
/// </summary>
public sealed class RegistrationForm
{
    public long Session { get; set; }
    public string? FullName { get; set; }
    public string? Email { get; set; }
    public string? Organisation { get; set; }
    public string? Role { get; set; }
    [DataType(DataType.MultilineText)]
    public string? AccessibilityNeeds { get; set; }
    public bool Consent { get; set; }
    public Guid Key { get; set; }
    public string? Website { get; set; }

    public bool IsBot => !string.IsNullOrEmpty(Website);

    /// <summary>French messages per field; empty when the form can be registered.</summary>
    public Dictionary<string, string> Validate(IReadOnlyCollection<long> sessions)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!sessions.Contains(Session))
        {
            errors[nameof(Session)] = "Choisissez une séance.";
        }

        if (string.IsNullOrWhiteSpace(FullName))
        {
            errors[nameof(FullName)] = "Indiquez vos prénom et nom.";
        }
        else if (FullName.Trim().Length > 200)
        {
            errors[nameof(FullName)] = "Vos prénom et nom ne doivent pas dépasser 200 caractères.";
        }

        if (string.IsNullOrWhiteSpace(Email))
        {
            errors[nameof(Email)] = "Indiquez votre adresse électronique.";
        }
        else if (!MailAddressRules.IsValid(Email))
        {
            errors[nameof(Email)] = "L'adresse électronique n'est pas valide : elle doit avoir la forme nom@domaine.fr.";
        }

        if (Organisation?.Trim().Length > 300)
        {
            errors[nameof(Organisation)] = "La structure ne doit pas dépasser 300 caractères.";
        }

        if (Role?.Trim().Length > 200)
        {
            errors[nameof(Role)] = "La fonction ne doit pas dépasser 200 caractères.";
        }

        if (AccessibilityNeeds?.Trim().Length > 2000)
        {
            errors[nameof(AccessibilityNeeds)] = "Les besoins d'accessibilité ne doivent pas dépasser 2 000 caractères.";
        }

        if (!Consent)
        {
            errors[nameof(Consent)] = "Cochez la case pour accepter le traitement de vos données, décrit dans la notice.";
        }

        if (Key == Guid.Empty)
        {
            errors[nameof(Key)] = "Le formulaire est incomplet : rechargez la page et recommencez.";
        }

        return errors;
    }

    public RegistrationRequest ToRequest() =>
        new(Session, FullName!.Trim(), Email!.Trim(), Organisation, Role, AccessibilityNeeds, Key);
}
