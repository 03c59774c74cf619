namespace Ocim.Portal.Features.Privacy;

/// <summary>Settings of the personal-data policy (section Privacy), read once.</summary>
public sealed record PrivacySettings
{
    /// <summary>A « c'est ma structure » request is deleted this many months after a curator decided it (Privacy:ClaimRetentionMonths).</summary>
    public int ClaimRetentionMonths { get; init; } = 12;

    /// <summary>A report on a listing is deleted this many months after a curator handled it (Privacy:ReportRetentionMonths).</summary>
    public int ReportRetentionMonths { get; init; } = 12;

    /// <summary>
    /// A sent (or given-up) e-mail leaves the outbox's log this many months after it was written
    /// (Privacy:SentMailRetentionMonths): its recipient and subject are personal data too. The body goes much sooner
    /// (Mail:Outbox:KeepSentBodyHours).
    /// </summary>
    public int SentMailRetentionMonths { get; init; } = 12;

    /// <summary>
    /// The e-mail address of the data protection officer (Privacy:DataProtectionOfficer). Without it, the notice gives
    /// the université's postal address only.
    /// </summary>
    public string? DataProtectionOfficer { get; init; }

    /// <summary>How often the retention job looks whether its nightly run is due.</summary>
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether the retention job runs in this process (Privacy:Housekeeping:Enabled).</summary>
    public bool HousekeepingEnabled { get; init; } = true;

    public static PrivacySettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Privacy");
        var defaults = new PrivacySettings();
        return new PrivacySettings
        {
            ClaimRetentionMonths = Months(section, "ClaimRetentionMonths", defaults.ClaimRetentionMonths),
            ReportRetentionMonths = Months(section, "ReportRetentionMonths", defaults.ReportRetentionMonths),
            SentMailRetentionMonths = Months(section, "SentMailRetentionMonths", defaults.SentMailRetentionMonths),
            DataProtectionOfficer = section["DataProtectionOfficer"] is { Length: > 0 } dpo ? dpo.Trim() : null,
            HousekeepingInterval = section.GetValue("Housekeeping:IntervalSeconds", 0) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : defaults.HousekeepingInterval,
            HousekeepingEnabled = section.GetValue("Housekeeping:Enabled", defaults.HousekeepingEnabled),
        };
    }

    /// <summary>A retention of at least one month: a zero or negative value would erase requests curators have just decided.</summary>
    private static int Months(IConfigurationSection section, string key, int fallback)
    {
        var months = section.GetValue(key, fallback);
        return months >= 1
            ? months
            : throw new InvalidOperationException($"Privacy:{key} must be at least 1 month (found {months}).");
    }
}
