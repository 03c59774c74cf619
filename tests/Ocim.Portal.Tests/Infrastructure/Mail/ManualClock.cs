namespace Ocim.Portal.Tests.Infrastructure.Mail;

/// <summary>A clock that moves only when the test says so.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;

    public void Set(DateTimeOffset value) => now = value;
}
