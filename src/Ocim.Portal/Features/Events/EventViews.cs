namespace Ocim.Portal.Features.Events;

/// <summary>
/// The feature's controllers (public pages, registration, staff) share this one folder of views, while Razor's
/// feature-folder convention looks in /Features/{controller}/: their views are named by path.
/// </summary>
internal static class EventViews
{
    public static string Path(string view) => "/Features/Events/" + view + ".cshtml";
}
