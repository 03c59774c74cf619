using Microsoft.AspNetCore.Mvc;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Privacy;

/// <summary>
/// « Données personnelles »: what the portal keeps about people, why, on which legal basis, for how long, their rights,
/// the data protection officer and the CNIL. Every form that collects personal data links here (or to the events'
/// notice, which ends with the same sections). The durations are read from the settings the purges use.
/// </summary>
public sealed class PrivacyController(PrivacySettings privacy, EventSettings events, MailSettings mail) : Controller
{
    public const string Path = "/donnees-personnelles";

    [HttpGet(Path)]
    public IActionResult Notice() => View("/Features/Privacy/Notice.cshtml", new PrivacyNotice(
        privacy.ClaimRetentionMonths, privacy.ReportRetentionMonths, events.RetentionMonths,
        (int)Math.Ceiling(mail.SentBodyRetention.TotalHours), privacy.SentMailRetentionMonths));
}

/// <summary>The durations the notice names, as the purges apply them.</summary>
public sealed record PrivacyNotice(int ClaimMonths, int ReportMonths, int RegistrationMonths, int SentMailHours, int SentMailMonths);
