using System.Globalization;

namespace Ocim.Portal.Features.MyData;

/// <summary>Settings of « Mes données » (section MyData), read once. See docs/decisions/0023-my-data-export.md.</summary>
public sealed record MyDataSettings
{
    /// <summary>How long a mailed link can be opened (MyData:LinkLifetimeHours).</summary>
    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Once opened, how long the page and its downloads stay readable (MyData:OpenMinutes); then the link is spent.</summary>
    public TimeSpan OpenWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>At most one link mailed per address in this interval (MyData:MailIntervalMinutes).</summary>
    public TimeSpan MailInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whole hours, for the sentences that say how long a link is valid.</summary>
    public int LinkLifetimeHours => Math.Max(1, (int)Math.Round(LinkLifetime.TotalHours));

    /// <summary>Whole minutes, for the sentences that say how long opened data stay readable.</summary>
    public int OpenWindowMinutes => Math.Max(1, (int)Math.Round(OpenWindow.TotalMinutes));

    public static MyDataSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("MyData");
        var defaults = new MyDataSettings();
        return new MyDataSettings
        {
            LinkLifetime = Positive(section["LinkLifetimeHours"], TimeSpan.FromHours, defaults.LinkLifetime),
            OpenWindow = Positive(section["OpenMinutes"], TimeSpan.FromMinutes, defaults.OpenWindow),
            MailInterval = Positive(section["MailIntervalMinutes"], TimeSpan.FromMinutes, defaults.MailInterval),
        };
    }

    private static TimeSpan Positive(string? value, Func<double, TimeSpan> unit, TimeSpan fallback) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0 ? unit(number) : fallback;
}
