using System.Globalization;

namespace Ocim.Portal.Features.Events;

/// <summary>Settings of the events feature (section Events), read once.</summary>
public sealed record EventSettings
{
    /// <summary>Registration POSTs allowed per client address and window (Events:RegistrationRateLimit:PermitLimit).</summary>
    public int RegistrationPermitLimit { get; init; } = 10;

    public TimeSpan RegistrationWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a registration waits for a locked session row before the visitor gets a 503 (pretix: 3 s).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Registrants' personal data is erased this many months after the event's last session (Events:RetentionMonths).</summary>
    public int RetentionMonths { get; init; } = 12;

    /// <summary>
    /// How long a registration holds its seat (or waiting-list place) before the address is confirmed by the link of
    /// the e-mail (Events:Holds:Minutes, 30). Past it, the housekeeping releases the hold.
    /// </summary>
    public TimeSpan HoldDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Unconfirmed holds an event takes per hour (Events:Holds:MaxPerEventPerHour, 50): past it, the form refuses new
    /// registrations for a while, so made-up addresses can block at most this many places per hour.
    /// </summary>
    public int MaxUnconfirmedHoldsPerEventPerHour { get; init; } = 50;

    /// <summary>How often the housekeeping job (lapsed holds, reminders, purge) runs.</summary>
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the housekeeping job runs in this process (Events:Housekeeping:Enabled).</summary>
    public bool HousekeepingEnabled { get; init; } = true;

    /// <summary>
    /// FOR TESTS ONLY (Events:Testing:DisableSeatGuard): registrations count the confirmed rows and then insert,
    /// without the conditional UPDATE, so that the race test's control run can show the overbooking the guard
    /// prevents (pretix's "skip-locking"). Never set it anywhere else.
    /// </summary>
    public bool DisableSeatGuardForTests { get; init; }

    /// <summary>FOR TESTS ONLY: a pause between the count and the insert of the unguarded path, to widen the race.</summary>
    public TimeSpan UnguardedPauseForTests { get; init; } = TimeSpan.FromMilliseconds(20);

    public static EventSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Events");
        var defaults = new EventSettings();
        return new EventSettings
        {
            RegistrationPermitLimit = section.GetValue("RegistrationRateLimit:PermitLimit", defaults.RegistrationPermitLimit),
            RegistrationWindow = Seconds(section["RegistrationRateLimit:WindowSeconds"], defaults.RegistrationWindow),
            LockTimeout = Seconds(section["LockTimeoutSeconds"], defaults.LockTimeout),
            RetentionMonths = section.GetValue("RetentionMonths", defaults.RetentionMonths),
            HoldDuration = section.GetValue("Holds:Minutes", 30) is var minutes && minutes > 0 ? TimeSpan.FromMinutes(minutes) : defaults.HoldDuration,
            MaxUnconfirmedHoldsPerEventPerHour = Math.Max(1, section.GetValue("Holds:MaxPerEventPerHour", defaults.MaxUnconfirmedHoldsPerEventPerHour)),
            HousekeepingInterval = Seconds(section["Housekeeping:IntervalSeconds"], defaults.HousekeepingInterval),
            HousekeepingEnabled = section.GetValue("Housekeeping:Enabled", defaults.HousekeepingEnabled),
            DisableSeatGuardForTests = section.GetValue("Testing:DisableSeatGuard", false),
            UnguardedPauseForTests = TimeSpan.FromMilliseconds(section.GetValue("Testing:UnguardedPauseMs", 20)),
        };
    }

    private static TimeSpan Seconds(string? value, TimeSpan fallback) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : fallback;
}
