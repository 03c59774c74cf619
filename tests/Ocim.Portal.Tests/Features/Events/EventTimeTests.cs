using Ocim.Portal.Features.Events;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>Paris wall-clock times to instants: the hour skipped in spring, the hour lived twice in autumn, the years.</summary>
public sealed class EventTimeTests
{
    [Fact]
    public void Paris_time_conversions_refuse_the_skipped_hour_and_out_of_range_years_and_take_summer_time_when_ambiguous()
    {
        Assert.False(EventTime.TryFromParis(new DateTime(2027, 3, 28, 2, 30, 0), out _, out var gap));
        Assert.Equal(EventTime.GapMessage, gap);
        Assert.False(EventTime.TryFromParis(new DateTime(1, 1, 1, 0, 0, 0), out _, out _));
        Assert.False(EventTime.TryFromParis(DateTime.MaxValue, out _, out _));
        Assert.True(EventTime.TryFromParis(new DateTime(2026, 10, 25, 2, 30, 0), out var autumn, out _));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), autumn);
        Assert.Equal("2026-10-25T02:30:00+02:00", EventTime.Iso(autumn));
    }
}
