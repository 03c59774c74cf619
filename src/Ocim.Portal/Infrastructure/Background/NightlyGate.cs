namespace Ocim.Portal.Infrastructure.Background;

/// <summary>
/// Once a night: true at the first call after <see cref="Hour"/> o'clock Paris time of each day, false until the next
/// day. The retention purges use it from their periodic passes (every few minutes), as Indico's run at 03:00.
/// The caller marks the night done (<see cref="Done"/>) once its work succeeded, so a failed purge is tried again at the
/// next pass. A restart may run the night's work a second time, which the purges allow (they are idempotent).
/// </summary>
public sealed class NightlyGate(int hour = 3)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private DateOnly? lastRun;

    public int Hour { get; } = hour is >= 0 and < 24 ? hour : throw new ArgumentOutOfRangeException(nameof(hour), hour, "An hour of the day, 0 to 23.");

    /// <summary>Whether the night's work is still to do at <paramref name="now"/>.</summary>
    public bool IsDue(DateTimeOffset now)
    {
        var paris = TimeZoneInfo.ConvertTime(now, Paris);
        return paris.Hour >= Hour && lastRun != DateOnly.FromDateTime(paris.DateTime);
    }

    /// <summary>The night's work of <paramref name="now"/>'s day is done.</summary>
    public void Done(DateTimeOffset now) => lastRun = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Paris).DateTime);
}
