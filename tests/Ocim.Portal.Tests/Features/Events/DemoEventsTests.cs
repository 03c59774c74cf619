using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>The demo events of `./portal seed`: upcoming, one modelled on the 001 seed with registration open.</summary>
public sealed class DemoEventsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_seed_loads_upcoming_demo_events_once_with_the_Dijon_workshop_open_for_registration()
    {
        using var portal = new EventPortal(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
        });
        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            var load = scope.ServiceProvider.GetRequiredService<LoadDemoEvents>();
            Assert.Equal(3, await load.RunAsync(CancellationToken.None));
            Assert.Equal(0, await load.RunAsync(CancellationToken.None));
        }

        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from event_session where starts_at <= now()"));
        Assert.Equal(("21231", "27"), await connection.QuerySingleAsync<(string, string)>(
            "select commune_code, region_code from event where slug = 'tiers-lieux-et-institutions-culturelles-cooperer-et-faire-commun'"));
        Assert.Equal("07", await connection.ExecuteScalarAsync<string>("select department_code from event where slug = 'carreaux-de-ciment-mosaique-viviers'"));

        using var client = portal.NewClient();
        var (list, catalogue) = await client.GetPageAsync("/evenements");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(3, catalogue.QuerySelectorAll(".event-card").Length);
        Assert.Equal(2, catalogue.QuerySelectorAll(".event-map circle").Length); // the webinar has no place on the map
        var (form, page) = await client.GetPageAsync("/evenements/tiers-lieux-et-institutions-culturelles-cooperer-et-faire-commun/inscription");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.NotNull(page.QuerySelector("form.registration-form"));
    }
}
