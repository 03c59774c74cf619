using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Accounts;

/// <summary>
/// ASP.NET Core Identity with the defaults QUALITY §2 says to change (docs/decisions/0011-accounts-and-web-role.md):
/// passphrases of 15 characters or more without composition rules, PBKDF2-HMAC-SHA512 at 210,000 iterations,
/// lockout after 5 failures, a <c>__Host-</c> cookie that is Secure, HttpOnly and SameSite=Lax, 30 minutes idle and
/// 12 hours at most, and every message in French.
/// </summary>
internal static class AccountsSetup
{
    public const int PasswordIterations = 210_000;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(12);

    /// <summary>The authentication property holding when the person typed their password (UTC, round-trip format).</summary>
    public const string SignedInAtItem = "ocim.signed_in_at";

    public static IServiceCollection AddPortalAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PasswordHasherOptions>(options => options.IterationCount = PasswordIterations);
        services
            .AddIdentity<PortalUser, PortalRole>(options =>
            {
                options.Password.RequiredLength = 15;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddDefaultTokenProviders()
            .AddSignInManager<PortalSignInManager>()
            .AddErrorDescriber<FrenchIdentityErrors>()
            .AddPasswordValidator<PassphraseValidator>();

        // A disabled account or a changed password ends other sessions within minutes (ASVS 7.4.2).
        // Portal:Accounts:StampCheckMinutes = 0 checks on every request (the tests use it).
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval =
            TimeSpan.FromMinutes(configuration.GetValue("Portal:Accounts:StampCheckMinutes", 5.0)));

        var secure = !configuration.GetValue("Portal:InsecureLoopbackCookies", defaultValue: false);
        services.ConfigureApplicationCookie(options =>
        {
            // __Host- requires Secure, path / and no domain. `./portal run` serves plain HTTP on 127.0.0.1 and turns
            // it off there (Portal:InsecureLoopbackCookies); everywhere else the cookie is Secure.
            options.Cookie.Name = secure ? "__Host-ocim" : "ocim";
            options.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.Path = "/";
            options.LoginPath = "/connexion";
            options.LogoutPath = "/deconnexion";
            options.ReturnUrlParameter = "retour";
            options.ExpireTimeSpan = IdleTimeout;
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = ValidatePrincipalAsync;

            // Signed in without the rights: a plain 403 and the French error page, rather than a redirect.
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = secure ? "__Host-ocim-af" : "ocim-af";
            options.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddAuthorization(PortalPolicies.Configure);
        services.AddScoped<ActorAccess>();
        services.AddScoped<SeedDemoAccounts>();
        return services;
    }

    /// <summary>
    /// Sliding renewal keeps a session alive while it is used; the sign-in time, kept in the ticket's properties,
    /// caps it at 12 hours. Then Identity's security-stamp check (password changed, account disabled).
    /// </summary>
    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (!context.Properties.Items.TryGetValue(SignedInAtItem, out var value)
            || !DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var signedInAt)
            || clock.GetUtcNow() - signedInAt > AbsoluteTimeout)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }
}
