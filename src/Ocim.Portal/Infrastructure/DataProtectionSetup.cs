using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Ocim.Portal.Infrastructure;

/// <summary>
/// Data Protection keys (antiforgery tokens, and the sign-in cookies of accounts) kept in a directory, so that a
/// restart or a new container keeps people signed in and open forms valid (docs/decisions/0014-keys-and-backups.md).
/// This is PersistKeysToFileSystem, with the directory read from configuration when the services start rather than
/// while Program.cs runs, so that every source of configuration (tests included) is seen.
/// </summary>
internal static class DataProtectionSetup
{
    public static void AddPortalDataProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            // A fixed name: instances in other folders (a new release, another container) share the same keys.
            .SetApplicationName("Ocim.Portal");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            var directory = KeysDirectory(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>());
            options.XmlRepository = new FileSystemXmlRepository(Create(directory), provider.GetRequiredService<ILoggerFactory>());
        }));
    }

    /// <summary>
    /// Portal:KeysDirectory when set; otherwise .portal/keys under PORTAL_ROOT (./portal sets it); otherwise keys/
    /// under the content root (the container's /app/keys, a volume in docker-compose.yml).
    /// </summary>
    internal static string KeysDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration["Portal:KeysDirectory"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, environment.ContentRootPath);
        }

        if (Environment.GetEnvironmentVariable("PORTAL_ROOT") is { Length: > 0 } root)
        {
            return Path.Combine(root, ".portal", "keys");
        }

        return Path.Combine(environment.ContentRootPath, "keys");
    }

    private static DirectoryInfo Create(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(directory);
        }

        // The keys are stored unencrypted (no certificate or DPAPI here): readable by the app's user only.
        return Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
