using System.ComponentModel.DataAnnotations;

namespace Ocim.Portal.Features.Campaigns;

public sealed class Campaign
{
    public long Id { get; init; }
    public required string Title { get; init; }
    public short Year { get; init; }
    public required string Population { get; init; }
    public DateOnly OpensOn { get; init; }
    public DateOnly ClosesOn { get; init; }
    public DateTime? InvitationsSentAt { get; init; }

    public bool IsOpenOn(DateOnly day) => day >= OpensOn && day <= ClosesOn;
}

/// <summary>The form that defines a campaign.</summary>
public sealed class CampaignForm
{
    [Required(ErrorMessage = "Donnez un titre à la campagne.")]
    [StringLength(200, MinimumLength = 3, ErrorMessage = "Le titre compte de 3 à 200 caractères.")]
    [Display(Name = "Titre")]
    public string? Title { get; set; }

    [Required(ErrorMessage = "Indiquez l'année sur laquelle porte l'enquête.")]
    [Range(2000, 2100, ErrorMessage = "L'année doit être comprise entre 2000 et 2100.")]
    [Display(Name = "Année enquêtée")]
    public int? Year { get; set; }

    [StringLength(2000, ErrorMessage = "La population est décrite en 2 000 caractères au plus.")]
    [Display(Name = "Population (filtre de la liste des acteurs)")]
    public string? Population { get; set; }

    [Required(ErrorMessage = "Indiquez la date d'ouverture.")]
    [Display(Name = "Ouverture")]
    public DateOnly? OpensOn { get; set; }

    [Required(ErrorMessage = "Indiquez la date de clôture.")]
    [Display(Name = "Clôture")]
    public DateOnly? ClosesOn { get; set; }
}

/// <summary>The questionnaire: the listing's main fields, pre-filled, and the campaign's questions.</summary>
public sealed class QuestionnaireForm
{
    // The listing (changes go to the curators, not straight to the public page).
    [StringLength(300, ErrorMessage = "La présentation courte compte 300 caractères au plus.")]
    [Display(Name = "Présentation courte")]
    public string? ShortDescription { get; set; }

    [StringLength(300, ErrorMessage = "L'adresse compte 300 caractères au plus.")]
    [Display(Name = "Adresse")]
    public string? Address { get; set; }

    [StringLength(500, ErrorMessage = "L'adresse du site compte 500 caractères au plus.")]
    [Url(ErrorMessage = "L'adresse du site doit commencer par http:// ou https://.")]
    [Display(Name = "Site web")]
    public string? Website { get; set; }

    [StringLength(254, ErrorMessage = "L'adresse électronique compte 254 caractères au plus.")]
    [EmailAddress(ErrorMessage = "Cette adresse électronique n'est pas valable.")]
    [Display(Name = "Adresse électronique de contact")]
    public string? Email { get; set; }

    [StringLength(30, ErrorMessage = "Le téléphone compte 30 caractères au plus.")]
    [RegularExpression(@"^[0-9 +().-]*$", ErrorMessage = "Le téléphone ne contient que des chiffres, espaces et + ( ) . -")]
    [Display(Name = "Téléphone")]
    public string? Phone { get; set; }

    // The campaign's questions.
    [Required(ErrorMessage = "Dites si la structure a mené des actions de culture scientifique cette année-là.")]
    [Display(Name = "Activité de culture scientifique dans l'année")]
    public bool? Active { get; set; }

    [Display(Name = "Publics touchés")]
    public List<string> Audiences { get; set; } = [];

    [Range(0, 100_000, ErrorMessage = "Le nombre d'actions est compris entre 0 et 100 000.")]
    [Display(Name = "Nombre d'actions menées")]
    public int? ActionsCount { get; set; }

    [Range(0, 10_000_000, ErrorMessage = "La fréquentation est comprise entre 0 et 10 000 000 de personnes.")]
    [Display(Name = "Fréquentation totale (personnes)")]
    public int? Attendance { get; set; }

    /// <summary>Text, because browsers send number fields as "1.5" while French users type "1,5": both are read.</summary>
    [RegularExpression(@"^\s*\d{1,4}([.,]\d)?\s*$", ErrorMessage = "La durée moyenne est un nombre d'heures entre 0 et 9 999, avec au plus une décimale (par exemple 1,5).")]
    [Display(Name = "Durée moyenne d'une action (heures)")]
    public string? DurationHours { get; set; }

    /// <summary>The duration as a number, once the form is valid (a method: validation reads every property).</summary>
    public decimal? DurationHoursValue() =>
        string.IsNullOrWhiteSpace(DurationHours) ? null : decimal.Parse(DurationHours.Trim().Replace(',', '.'), System.Globalization.CultureInfo.InvariantCulture);

    [DataType(DataType.MultilineText)]
    [StringLength(2000, ErrorMessage = "Le commentaire compte 2 000 caractères au plus.")]
    [Display(Name = "Commentaire")]
    public string? Comment { get; set; }
}

public sealed class CallForm
{
    [Required(ErrorMessage = "Choisissez la structure appelée.")]
    public long? ActorId { get; set; }

    [Required(ErrorMessage = "Indiquez l'issue de l'appel.")]
    [RegularExpression("^(joint|message|injoignable|refus)$", ErrorMessage = "Cette issue d'appel n'existe pas.")]
    public string? Outcome { get; set; }

    [StringLength(1000, ErrorMessage = "La note compte 1 000 caractères au plus.")]
    public string? Note { get; set; }
}

/// <summary>Response rate of a group of recipients (a region, a circle, a family).</summary>
public sealed record ResponseRate(string Key, string Label, long Recipients, long Responded, double? Irc)
{
    public double Rate => Recipients == 0 ? 0 : (double)Responded / Recipients;
}
