using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ocim.Portal.Features;
using Ocim.Portal.Features.Accounts;
using Ocim.Portal.Features.Errors;
using Ocim.Portal.Features.Health;
using Ocim.Portal.Infrastructure;
using Ocim.Portal.Infrastructure.Cli;
using Ocim.Portal.Infrastructure.Database;
using Ocim.Portal.Infrastructure.Http;
using Ocim.Portal.Infrastructure.Logging;
using Ocim.Portal.Infrastructure.Mail;

// `Ocim.Portal [command]`: no command serves the site; `migrate` and `seed` run once and exit (./portal uses them).
var command = PortalCommand.Parse(args);
var builder = WebApplication.CreateBuilder(command.RemainingArgs);
// ./portal run serves the build output, where the precompressed copies of wwwroot live under obj/ and are found through
// the build's manifest; the framework reads it only in Development. A published app has none and serves its wwwroot.
// Files are served as built, with the build's caching headers: no recompression on the fly, no "no-cache" override
// (ReloadStaticAssetsAtRuntime=true brings the framework's live-edit mode back for front-end work).
builder.WebHost.UseStaticWebAssets();
builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";

// No "Server: Kestrel" header: it tells a prober which parser it talks to, and nobody else needs it.
builder.WebHost.ConfigureKestrel(options => options.AddServerHeader = false);
builder.AddPortalLogging();
builder.AddPortalDataProtection();
builder.Services.AddPortalDatabase(servesVisitors: command.Name is null);
builder.Services.AddSingleton<DataDirectory>();
builder.Services.AddPortalFeatures();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddPortalAccounts(builder.Configuration);
builder.Services.AddPortalPublicSite();
builder.Services.AddPortalTrustedProxies();
builder.Services.AddPortalRateLimits(builder.Configuration);
builder.Services.AddPortalMail();
builder.Services.AddPortalHealthChecks();
// HSTS for a year (OWASP ASVS 3.4.1; the framework's default is 30 days). Sent on HTTPS requests to other hosts than
// localhost, outside Development.
builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
builder.Services.AddPortalResponseCompression();
// Write "é" rather than "&#xE9;": Razor still encodes everything HTML-special.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
    options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));

builder.Services
    .AddControllersWithViews(options =>
    {
        options.Filters.Add(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute());
        options.Filters.Add<UnreadableFormFilter>(order: -1_000);
        // Control characters are removed from every string bound from a request (Infrastructure/Text/TextInput.cs).
        options.ModelBinderProviders.Insert(0, new Ocim.Portal.Infrastructure.Text.CleanTextModelBinderProvider());
    })
    .AddRazorOptions(options =>
    {
        // Feature folders: a feature's views sit beside its controller (docs/decisions/0001-feature-folders-no-repository.md).
        options.ViewLocationFormats.Clear();
        options.ViewLocationFormats.Add("/Features/{1}/{0}" + RazorViewEngine.ViewExtension);
        options.ViewLocationFormats.Add("/Features/Shared/{0}" + RazorViewEngine.ViewExtension);
    });

var app = builder.Build();

if (command.Name is not null)
{
    return await command.RunAsync(app.Services);
}

if (app.Configuration.GetValue("Database:MigrateOnStartup", defaultValue: true))
{
    await DatabaseSetup.MigrateAsync(app.Services);
}

// The client's own address (from trusted proxies only) before anything logs or limits it.
app.UseForwardedHeaders();
app.UseMiddleware<RequestLoggingMiddleware>();
app.UseResponseCompression();
app.UsePortalErrorPages();
app.UsePortalHostFilter();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseRequestLocalization(new RequestLocalizationOptions
{
    DefaultRequestCulture = new RequestCulture("fr-FR"),
    SupportedCultures = [new CultureInfo("fr-FR")],
    SupportedUICultures = [new CultureInfo("fr-FR")],
});
app.UseSecurityHeaders();
app.UseRouting();
app.UseAuthentication();
app.UseCompressionOnlyForVisitors();
app.UseRateLimiter();
app.UseAuthorization();

app.MapPortalHealthChecks();
// Static files from the build's manifest: precompressed (Brotli, gzip), ETags, fingerprinted URLs cached for a year
// (docs/decisions/0027-static-files-compression-and-caching.md). WithStaticAssets lets the views' asp-append-version
// write those fingerprinted URLs.
app.MapStaticAssets();
app.MapControllers().WithStaticAssets();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
