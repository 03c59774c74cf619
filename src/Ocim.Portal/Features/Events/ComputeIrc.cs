using Dapper;
using Npgsql;

namespace Ocim.Portal.Features.Events;

/// <summary>One line of an IRC table: a group (event, organiser, territory or year), attendance, hours and IRC.</summary>
public sealed class IrcRow
{
    public string Key { get; init; } = string.Empty;
    public string Label { get; init; } = string.Empty;
    public int Sessions { get; init; }
    public int Attendance { get; init; }
    public double Hours { get; init; }
    public double Irc { get; init; }
}

public sealed record IrcReport(IReadOnlyList<IrcRow> ByEvent, IReadOnlyList<IrcRow> ByOrganiser, IReadOnlyList<IrcRow> ByTerritory, IReadOnlyList<IrcRow> ByYear);

/// <summary>
/// The Indice de Relation Culturelle (IRC) of the Occitanie networks: attendance × duration. Per session, the people
/// marked present times the session's hours; summed per event, organiser, region of the venue, and year (of the
/// session, in Paris). Online events without a venue count under « Sans lieu (en ligne) ».
/// </summary>
public sealed class ComputeIrc(NpgsqlDataSource dataSource)
{
    private const string PerSession = """
        with per_session as (
            select e.id as event_id, e.slug, e.title, coalesce(e.organiser_actor_id::text, e.organiser_name) as organiser_key,
                   e.organiser_name, coalesce(e.region_code, '') as region_code, coalesce(rg.name, 'Sans lieu (en ligne)') as region_name,
                   extract(year from s.starts_at at time zone 'Europe/Paris')::int as year,
                   extract(epoch from s.ends_at - s.starts_at) / 3600.0 as hours,
                   (select count(*) from registration r where r.session_id = s.id and r.attended)::int as attendance
            from event e join event_session s on s.event_id = e.id left join region rg on rg.code = e.region_code
            where e.status <> 'draft'
        )
        """;

    public async Task<IrcReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        async Task<List<IrcRow>> Group(string key, string label, string order) =>
#pragma warning disable CA2100 // Grouping columns are constants of this class.
            (await connection.QueryAsync<IrcRow>(new CommandDefinition(PerSession + $"""
                select {key} as key, {label} as label, count(*)::int as sessions, sum(attendance)::int as attendance,
                       round(sum(hours)::numeric, 2)::float8 as hours, round(sum(attendance * hours)::numeric, 2)::float8 as irc
                from per_session group by {key} order by {order}
                """, cancellationToken: cancellationToken))).ToList();
#pragma warning restore CA2100

        return new IrcReport(
            await Group("slug", "min(title)", "irc desc, key"),
            await Group("organiser_key", "min(organiser_name)", "irc desc, key"),
            await Group("region_code", "min(region_name)", "irc desc, key"),
            await Group("year::text", "year::text", "key desc"));
    }
}
