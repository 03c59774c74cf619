using System.Runtime.CompilerServices;

namespace Ocim.Portal.Infrastructure.Database;

internal static class DapperSetup
{
    /// <summary>
    /// snake_case columns map onto PascalCase members in every Dapper read. Set when the assembly loads, so that
    /// the setting holds for every caller (the app, its commands, and tests that use a use case directly).
    /// </summary>
#pragma warning disable CA2255 // This is the application assembly, not a library: a module initializer is the right place for process-wide Dapper settings.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
}
