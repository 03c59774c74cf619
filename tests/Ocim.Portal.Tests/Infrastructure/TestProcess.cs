using System.Runtime.CompilerServices;

namespace Ocim.Portal.Tests.Infrastructure;

internal static class TestProcess
{
    /// <summary>
    /// Dozens of in-memory apps live in one test process. Each would watch appsettings.json for changes with its own
    /// inotify instance, and Linux allows 128 per user (shared with every other process of that user): past that,
    /// an app fails to start. The tests never change configuration files, so nothing is watched, and any file
    /// provider that still watches (content root, web root…) polls instead of taking an inotify instance.
    /// </summary>
#pragma warning disable CA2255 // A test assembly's process-wide setting: the module initializer is the place for it.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }
}
