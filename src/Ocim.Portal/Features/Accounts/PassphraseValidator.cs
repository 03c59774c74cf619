using Microsoft.AspNetCore.Identity;
using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Accounts;

/// <summary>
/// Refuses the passwords length alone lets through but anyone would guess (OWASP ASVS 6.2.4): well-known long
/// passwords, one character repeated, and the account's own e-mail or name. No composition rules (ASVS 6.2.5): a
/// long phrase of ordinary words is what the portal asks for.
/// </summary>
internal sealed class PassphraseValidator : IPasswordValidator<PortalUser>
{
    // Long passwords that head the public breach lists, and French phrases people pick first. Compared after
    // removing spaces and case.
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "123456789012345", "1234567890123456", "12345678901234567890", "qwertyuiopasdfghjkl", "azertyuiopqsdfghjklm",
        "motdepassemotdepasse", "motdepasse123456", "motdepassesecurise", "monmotdepasseestsecurise", "password1234567",
        "passwordpassword", "iloveyouiloveyou", "azertyazertyazerty", "qwertyqwertyqwerty", "abcdefghijklmnop",
        "abcdefghijklmnopqrstuvwxyz", "jenaipasdemotdepasse", "bonjourbonjourbonjour", "soleilsoleilsoleil",
        "ocimocimocimocim", "portailocim2026", "culturescientifique", "motdepasseocim2026",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var flat = new string(password.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
        if (Known.Contains(flat) || flat.Distinct().Count() <= 2)
        {
            return Fail("Ce mot de passe figure parmi les plus utilisés : choisissez une phrase à vous.");
        }

        foreach (var own in new[] { user.Email, user.UserName, user.DisplayName })
        {
            if (own is { Length: >= 4 } && flat.Contains(own.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant(), StringComparison.Ordinal))
            {
                return Fail("Le mot de passe ne doit pas contenir votre adresse ni votre nom.");
            }
        }

        return Task.FromResult(IdentityResult.Success);
    }

    private static Task<IdentityResult> Fail(string message) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = "PassphraseRefused", Description = message }));
}
