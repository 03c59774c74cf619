using Dapper;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// Registering for a workshop with the keyboard alone (RGAA 7.3, 12.13): Tab from the top of the page reaches every
/// field of the form in order, Space ticks the choices, Enter sends it, and the seat is taken.
/// </summary>
public sealed class KeyboardRegistrationTests(QualitySite site, BrowserFixture browser) : IClassFixture<QualitySite>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_visitor_registers_for_a_workshop_with_the_keyboard_only()
    {
        using var portal = new BrowserPortal(site.ConnectionString);
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync(portal.Url("/evenements/atelier-qualite/inscription").ToString());
        var email = $"clavier-{Guid.NewGuid():N}@exemple.test";

        var visited = new List<string>();
        var sent = false;
        for (var stop = 0; stop < 80 && !sent; stop++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>(
                "() => { const e = document.activeElement; return e ? (e.id || e.tagName.toLowerCase() + (e.type ? ':' + e.type : '')) : ''; }");
            visited.Add(focused);
            switch (focused)
            {
                case "champ-Session":
                    await page.Keyboard.PressAsync("Space");
                    break;
                case "champ-FullName":
                    await page.Keyboard.TypeAsync("Camille Clavier");
                    break;
                case "champ-Email":
                    await page.Keyboard.TypeAsync(email);
                    break;
                case "champ-Consent":
                    await page.Keyboard.PressAsync("Space");
                    break;
                case "button:submit" when visited.Contains("champ-Consent"):
                    await page.Keyboard.PressAsync("Enter");
                    await page.WaitForURLAsync(url => !url.EndsWith("/inscription", StringComparison.Ordinal));
                    sent = true;
                    break;
            }
        }

        Assert.True(sent, "the submit button was never reached with Tab: " + string.Join(" → ", visited));
        Assert.DoesNotContain("champ-Website", visited); // the honeypot is out of the keyboard's way
        var heading = await page.Locator("h1").InnerTextAsync();
        // The seat is held until the address is confirmed by the mailed link (docs/decisions/0032-registration-holds.md).
        Assert.Equal("Confirmez votre adresse électronique", heading.Trim());
        await using var connection = await site.Database.OpenAsync();
        Assert.Equal("confirmed", await connection.ExecuteScalarAsync<string>(
            "select status from registration where lower(email) = lower(@email)", new { email }));
    }
}
