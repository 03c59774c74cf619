using System.Globalization;
using Dapper;
using Microsoft.Playwright;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Quality;

/// <summary>
/// Issue 6: on the listing form, the location is picked on a map. A click fills the latitude and longitude (French
/// decimals) and chooses « par les coordonnées »; with the keyboard, the map is moved and a button places the
/// structure at its centre; the form then saves that position. Without JavaScript the map stays hidden and the
/// fields are typed (the HTTP tests of the form).
/// </summary>
public sealed class LocationPickerTests(QualitySite site, BrowserFixture browser) : IClassFixture<QualitySite>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_click_on_the_map_fills_the_coordinates_and_the_keyboard_button_places_the_structure_at_the_centre()
    {
        using var portal = new BrowserPortal(site.ConnectionString);
        await using var session = await browser.NewSessionAsync(portal);
        var page = session.Page;
        await page.GotoAsync("/connexion");
        await page.FillAsync("form[action='/connexion'] [name='Email']", QualitySite.Curator);
        await page.FillAsync("form[action='/connexion'] [name='Password']", TestAccounts.Password);
        await page.ClickAsync("form[action='/connexion'] [type='submit']");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/compte");
        var edit = site.Pages.First(p => p.Name == "Modifier une fiche").Path;
        await page.GotoAsync(edit);

        await page.Locator("#choix-position").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await page.WaitForFunctionAsync("() => document.querySelector('.location-picker__map').maplibre?.loaded()");

        // A click at a point of the map: the fields hold that point, with a decimal comma.
        var box = (await page.Locator(".location-picker__map canvas").BoundingBoxAsync())!;
        var (x, y) = (box.Width / 3, box.Height / 3);
        var expected = await page.EvaluateAsync<double[]>(
            "point => { const p = document.querySelector('.location-picker__map').maplibre.unproject([point.x, point.y]); return [p.lat, p.lng]; }",
            new { x = (double)x, y = (double)y });
        await page.Locator(".location-picker__map canvas").ClickAsync(new LocatorClickOptions { Position = new Position { X = (float)x, Y = (float)y } });
        // Within a pixel or two of the point clicked (the browser rounds the click to whole pixels).
        var (typedLat, typedLon) = (await page.InputValueAsync("#Latitude"), await page.InputValueAsync("#Longitude"));
        Assert.Matches(@"^-?\d+,\d{5}$", typedLat);
        Assert.Equal(expected[0], FromFrench(typedLat), 0.0005);
        Assert.Equal(expected[1], FromFrench(typedLon), 0.0005);
        Assert.True(await page.IsCheckedAsync("#Location-coordonnees"));
        Assert.Contains("Position choisie", await page.Locator(".location-picker__status").InnerTextAsync(), StringComparison.Ordinal);

        // The keyboard way: the map moved (as the arrow keys would), then the button, reached and pressed by key. Not the
        // listing's own point (5.0415, 47.322): a form posted back unchanged saves nothing (« Vous n'avez rien modifié »).
        await page.EvaluateAsync("() => { document.querySelector('.location-picker__map').maplibre.jumpTo({ center: [5.0425, 47.323], zoom: 15 }); }");
        await page.Locator(".location-picker__centre").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("47,32300", await page.InputValueAsync("#Latitude"));
        Assert.Equal("5,04250", await page.InputValueAsync("#Longitude"));

        // Saved as the listing's position (staff publish at once).
        var saved = await page.RunAndWaitForResponseAsync(
            () => page.Locator("form[action$='/modifier'] button[type='submit']").ClickAsync(),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == edit);
        Assert.True(saved.Status is 302 or 303, $"the form answered {saved.Status}");
        var id = long.Parse(edit.Split('/')[3], CultureInfo.InvariantCulture);
        await using var connection = await site.Database.OpenAsync();
        var (lat, lon) = await connection.QuerySingleAsync<(double, double)>("select st_y(geom), st_x(geom) from actor where id = @id", new { id });
        Assert.Equal(47.323, lat, 5);
        Assert.Equal(5.0425, lon, 5);
    }

    private static double FromFrench(string value) => double.Parse(value.Replace(',', '.'), CultureInfo.InvariantCulture);
}
