using Microsoft.AspNetCore.Mvc;

namespace Ocim.Portal.Features.Accessibility;

/// <summary>
/// The « déclaration d'accessibilité » every page links to (RGAA 4.1, art. 47 of loi 2005-102), in the structure of
/// the DINUM model. Its figures are honest: no audit has been made, so the site is declared « non conforme ».
/// </summary>
public sealed class AccessibilityController(IConfiguration configuration) : Controller
{
    [HttpGet("/accessibilite")]
    public IActionResult Statement() =>
        View(new AccessibilityStatement(
            StatementDate: new DateOnly(2026, 11, 21),
            ContactEmail: configuration["Portal:AccessibilityContact"] is { Length: > 0 } email ? email : null));
}

/// <summary>What the statement needs from the deployment: the date it was written and whom to contact.</summary>
/// <param name="StatementDate">When the statement was written (update it with each revision).</param>
/// <param name="ContactEmail">Portal:AccessibilityContact, the address that answers accessibility requests.</param>
public sealed record AccessibilityStatement(DateOnly StatementDate, string? ContactEmail);
