using Microsoft.AspNetCore.Mvc;

namespace Ocim.Portal.Features.Home;

public sealed class HomeController : Controller
{
    [HttpGet("/")]
    public IActionResult Index() => View();
}
