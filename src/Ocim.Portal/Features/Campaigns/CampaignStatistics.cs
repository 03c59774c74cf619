using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Campaigns;

/// <summary>Live response rates of a campaign by region, circle and family, and the IRC declared so far.</summary>
public sealed record CampaignProgress(ResponseRate Total, IReadOnlyList<ResponseRate> ByRegion, IReadOnlyList<ResponseRate> ByCircle, IReadOnlyList<ResponseRate> ByFamily);

public sealed class CampaignStatistics(NpgsqlDataSource dataSource)
{
    // One pass over the campaign's recipients, grouped three ways (grouping sets); IRC = attendance × duration.
    private const string Sql = """
        select grouping(a.region_code) as g_region, grouping(a.circle) as g_circle, grouping(f.slug) as g_family,
               a.region_code, coalesce(reg.name, 'Hors région connue') as region_name, a.circle, f.slug, f.name as family_name,
               count(*) as recipients, count(r.responded_at) as responded,
               sum(resp.attendance * resp.duration_hours)::double precision as irc
        from campaign_recipient r
        join actor a on a.id = r.actor_id
        join actor_family f on f.id = a.family_id
        left join region reg on reg.code = a.region_code
        left join campaign_response resp on resp.campaign_id = r.campaign_id and resp.actor_id = r.actor_id
        where r.campaign_id = @campaignId
        group by grouping sets ((), (a.region_code, reg.name), (a.circle), (f.slug, f.name))
        """;

    public async Task<CampaignProgress> ReadAsync(long campaignId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(Sql, new { campaignId }, cancellationToken: cancellationToken))).AsList();
        var total = rows.FirstOrDefault(r => r.GRegion == 1 && r.GCircle == 1 && r.GFamily == 1);
        return new CampaignProgress(
            total is null ? new ResponseRate("total", "Ensemble", 0, 0, null) : new ResponseRate("total", "Ensemble", total.Recipients, total.Responded, total.Irc),
            rows.Where(r => r.GRegion == 0).OrderBy(r => r.RegionName, StringComparer.Ordinal)
                .Select(r => new ResponseRate(r.RegionCode ?? "-", r.RegionName!, r.Recipients, r.Responded, r.Irc)).ToList(),
            rows.Where(r => r.GCircle == 0).OrderBy(r => r.Circle)
                .Select(r => new ResponseRate(r.Circle!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Actors.ActorLinks.CircleLabel(r.Circle.Value), r.Recipients, r.Responded, r.Irc)).ToList(),
            rows.Where(r => r.GFamily == 0).OrderBy(r => r.FamilyName, StringComparer.Ordinal)
                .Select(r => new ResponseRate(r.Slug!, r.FamilyName!, r.Recipients, r.Responded, r.Irc)).ToList());
    }

    private sealed class Row
    {
        public int GRegion { get; init; }
        public int GCircle { get; init; }
        public int GFamily { get; init; }
        public string? RegionCode { get; init; }
        public string? RegionName { get; init; }
        public short? Circle { get; init; }
        public string? Slug { get; init; }
        public string? FamilyName { get; init; }
        public long Recipients { get; init; }
        public long Responded { get; init; }
        public double? Irc { get; init; }
    }
}
