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
    internal static void Configure()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        Dapper.SqlMapper.AddTypeHandler(new DateOnlyHandler());
    }

    /// <summary>PostgreSQL dates read as DateOnly (Npgsql hands Dapper a DateTime) and written as dates.</summary>
    private sealed class DateOnlyHandler : Dapper.SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) => value switch
        {
            DateOnly date => date,
            DateTime dateTime => DateOnly.FromDateTime(dateTime),
            _ => throw new InvalidCastException($"Cannot read {value.GetType().Name} as a date."),
        };

        public override void SetValue(System.Data.IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = System.Data.DbType.Date;
            parameter.Value = value;
        }
    }
}
