namespace Ocim.Portal.Infrastructure;

/// <summary>
/// Where the open data the portal loads lives (the repository's data/ folder, or /app/data in the container).
/// Portal:DataDirectory wins; otherwise PORTAL_ROOT/data; otherwise the first data/ found above the app.
/// </summary>
public sealed class DataDirectory
{
    public DataDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        Path = Locate(configuration, environment)
            ?? throw new InvalidOperationException(
                "The data/ folder was not found. Set Portal:DataDirectory (or PORTAL_ROOT) to the repository's data folder.");
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string? Locate(IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration["Portal:DataDirectory"] is { Length: > 0 } configured)
        {
            return Directory.Exists(configured) ? System.IO.Path.GetFullPath(configured) : null;
        }

        if (Environment.GetEnvironmentVariable("PORTAL_ROOT") is { Length: > 0 } root
            && Directory.Exists(System.IO.Path.Combine(root, "data", "territories")))
        {
            return System.IO.Path.Combine(root, "data");
        }

        foreach (var start in new[] { environment.ContentRootPath, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "data", "territories");
                if (Directory.Exists(candidate))
                {
                    return System.IO.Path.Combine(dir.FullName, "data");
                }
            }
        }

        return null;
    }
}
