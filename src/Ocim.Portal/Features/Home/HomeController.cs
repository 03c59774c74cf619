using Microsoft.AspNetCore.Mvc;

namespace Ocim.Portal.Features.Home;

public sealed class HomeController : Controller
{
    /// <summary>The front door: one search, the inventory's figures, a map of France that opens /carte, the next events.</summary>
    [HttpGet("/")]
    public async Task<IActionResult> Index([FromServices] ReadHomePage readHomePage, CancellationToken cancellationToken) =>
        View(await readHomePage.ReadAsync(cancellationToken));
}
