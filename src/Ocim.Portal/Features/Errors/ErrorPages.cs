using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Ocim.Portal.Features.Errors;

internal static class ErrorPages
{
    /// <summary>
    /// French error pages: 404 and other statuses re-executed to /erreur/{code}; exceptions to /erreur, without
    /// stack traces outside Development.
    /// </summary>
    public static void UsePortalErrorPages(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.UseDeveloperExceptionPage();
        }
        else
        {
            app.UseExceptionHandler("/erreur");
        }

        app.UseStatusCodePagesWithReExecute("/erreur/{0}");
    }

    /// <summary>True when the failure is the database being out of reach, which deserves a 503 rather than a 500.</summary>
    public static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException)
            {
                return true;
            }

            if (e is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" })
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>What an error page shows.</summary>
public sealed record ErrorPage(int StatusCode, string Title, string Message);

public sealed class ErrorsController(NpgsqlDataSource dataSource) : Controller
{
    // Neither action binds a parameter: a re-executed POST whose form could not be read (too many values, a value
    // too long) would fail again reading it for the value providers, and the error page would be lost.
    [Route("/erreur")]
    [IgnoreAntiforgeryToken]
    public IActionResult Failure()
    {
        if (HttpContext.Features.Get<IExceptionHandlerFeature>() is not { } handled)
        {
            // Reached directly: nothing failed, and nothing to alarm anyone with.
            Response.Headers.CacheControl = "no-store";
            return View("Error", new ErrorPage(200, "Aucune erreur", "Cette adresse affiche les pages d'erreur du portail : rien ne s'est mal passé. Repartez de l'accueil."));
        }

        var exception = handled.Error;
        if (ErrorPages.IsDatabaseUnavailable(exception))
        {
            // Connections broken by the outage must not be handed out again when the database returns.
            dataSource.Clear();
            return Render(503);
        }

        return Render(500);
    }

    [Route("/erreur/{code:int}")]
    [IgnoreAntiforgeryToken]
    public IActionResult Status() =>
        Render(int.TryParse(RouteData.Values["code"] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) && code is >= 400 and <= 599 ? code : 404);

    private ViewResult Render(int code)
    {
        // A heavy request refused by its concurrency limits (Infrastructure/Http/RateLimits) says why, and keeps its Retry-After.
        var heavy = HttpContext.Items[Infrastructure.Http.RateLimits.HeavyRejectionKey] as string;
        var page = code switch
        {
            429 or 503 when heavy is not null => new ErrorPage(code, code == 429 ? "Trop de requêtes" : "Portail très sollicité", Infrastructure.Http.RateLimits.HeavyRejectionMessage(own: heavy == "client").Trim()),
            404 => new ErrorPage(404, "Page introuvable", "La page demandée n'existe pas ou a été déplacée. Vérifiez l'adresse, ou repartez de l'accueil."),
            400 => new ErrorPage(400, "Requête incorrecte", "La demande n'a pas pu être comprise. Revenez à la page précédente et réessayez."),
            403 => new ErrorPage(403, "Accès refusé", "Vous n'avez pas les droits nécessaires pour consulter cette page."),
            405 => new ErrorPage(405, "Action non permise", "Cette adresse n'accepte pas ce type de requête."),
            413 => new ErrorPage(413, "Envoi trop volumineux", "Ce que vous avez envoyé dépasse la taille acceptée. Allégez le formulaire ou découpez le fichier, puis réessayez."),
            414 => new ErrorPage(414, "Adresse trop longue", "L'adresse demandée est trop longue pour être lue. Raccourcissez-la, ou repartez de l'accueil."),
            429 => new ErrorPage(429, "Trop de requêtes", "Vous avez envoyé trop de demandes en peu de temps. Patientez un instant avant de réessayer."),
            // A form sent while the database went away may or may not have been saved (its commit may have reached
            // the server before the answer was lost): the page must not promise that nothing changed.
            503 when HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method) =>
                new ErrorPage(503, "Service momentanément indisponible", "Le portail ne parvient pas à joindre sa base de données. Réessayez dans quelques instants."),
            503 => new ErrorPage(503, "Service momentanément indisponible", "Le portail ne parvient pas à joindre sa base de données : nous ne savons pas si votre envoi a été enregistré. Dans quelques instants, vérifiez-le avant de recommencer."),
            >= 500 => new ErrorPage(code, "Erreur du serveur", "Une erreur inattendue s'est produite. L'équipe technique en est informée ; réessayez plus tard."),
            _ => new ErrorPage(code, "Erreur", "La demande n'a pas pu aboutir."),
        };

        Response.StatusCode = code;
        if (code == 503 && heavy is null)
        {
            Response.Headers.RetryAfter = "30";
        }

        Response.Headers.CacheControl = "no-store";
        return View("Error", page);
    }
}
