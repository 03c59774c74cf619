-- Precomputed duplicate candidates (docs/decisions/0020-precomputed-duplicate-candidates.md): pairs of listings with
-- similar names nearby, kept in a table that /gestion/doublons reads, instead of a KNN + trigram pass over a whole
-- department at every visit (20 s for Paris at 1M actors).
--
-- The rule is 0017's: for a listing, its 25 nearest non-archived neighbours within 2 km (KNN on geom_l93), kept when
-- the trigram similarity of portal_normalise(name || ' ' || acronym) is at least 0.6. A pair is a candidate when
-- either listing finds the other that way.
--
-- A statement trigger on actor queues the listings whose name, acronym, position or archiving changed (and deleted
-- ones); actor_duplicate_drain() recomputes the pairs of a batch of queued listings. It is called by a background
-- worker and, for one department and a small batch, by the page itself before it reads.

create table actor_duplicate_candidate (
    actor_low       bigint not null,
    actor_high      bigint not null,
    -- The departments of both listings when the pair was computed: a listing's department only changes with its
    -- position, which queues it again (its pairs are then rewritten).
    low_department  text,
    high_department text,
    similarity      real not null,
    distance        double precision not null,
    -- The page's ranking of a name-only pair: the similarity less up to 0.1 for the distance.
    score           real generated always as (similarity - distance / 2000 * 0.1) stored,
    computed_at     timestamptz not null default now(),
    primary key (actor_low, actor_high),
    check (actor_low < actor_high)
);
-- No foreign keys: a deleted listing is queued and its pairs removed by the drain (the page joins actor anyway);
-- a foreign key would make every write of a pair lock its two listings.
create index actor_duplicate_candidate_high_idx on actor_duplicate_candidate (actor_high);
create index actor_duplicate_candidate_low_score_idx on actor_duplicate_candidate (low_department, score desc);
create index actor_duplicate_candidate_high_score_idx on actor_duplicate_candidate (high_department, score desc);

-- The listings whose pairs are to be (re)computed. fill: queued by a full fill (the migration, a rebuild), when the
-- candidate table holds no stale pair of the listing: its own neighbours are enough, and changes come first.
create table actor_duplicate_queue (
    actor_id        bigint primary key,
    department_code text,
    fill            boolean not null default false,
    queued_at       timestamptz not null default now()
);
create index actor_duplicate_queue_order_idx on actor_duplicate_queue (fill, actor_id);
create index actor_duplicate_queue_department_idx on actor_duplicate_queue (department_code, fill, actor_id);

-- One insert per statement, whatever its size (a 20,000-row import queues its rows in one pass). An update queues
-- only the rows whose name, acronym, position or archiving changed: an edit of a description queues nothing.
create function actor_duplicate_enqueue() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into actor_duplicate_queue (actor_id, department_code)
        select id, department_code from new_rows where status <> 'archived' and longitude is not null
        order by id
        on conflict (actor_id) do update set fill = false, queued_at = now(), department_code = excluded.department_code;
    elsif tg_op = 'UPDATE' then
        insert into actor_duplicate_queue (actor_id, department_code)
        select n.id, n.department_code from new_rows n join old_rows o on o.id = n.id
        where n.name is distinct from o.name or n.acronym is distinct from o.acronym
           or n.longitude is distinct from o.longitude or n.latitude is distinct from o.latitude
           or (n.status = 'archived') <> (o.status = 'archived')
        order by n.id
        on conflict (actor_id) do update set fill = false, queued_at = now(), department_code = excluded.department_code;
    else
        insert into actor_duplicate_queue (actor_id, department_code)
        select id, department_code from old_rows
        order by id
        on conflict (actor_id) do update set fill = false, queued_at = now(), department_code = excluded.department_code;
    end if;
    return null;
end
$$;

create function actor_duplicate_clear() returns trigger
language plpgsql as $$
begin
    truncate actor_duplicate_candidate, actor_duplicate_queue;
    return null;
end
$$;

create trigger actor_duplicate_on_insert after insert on actor
    referencing new table as new_rows for each statement execute function actor_duplicate_enqueue();
create trigger actor_duplicate_on_update after update on actor
    referencing old table as old_rows new table as new_rows for each statement execute function actor_duplicate_enqueue();
create trigger actor_duplicate_on_delete after delete on actor
    referencing old table as old_rows for each statement execute function actor_duplicate_enqueue();
create trigger actor_duplicate_on_truncate after truncate on actor
    for each statement execute function actor_duplicate_clear();

-- Recomputes the pairs of up to batch_size queued listings (of one department when given), in the caller's
-- transaction, and returns how many it took from the queue. Claimed with FOR UPDATE SKIP LOCKED: concurrent callers
-- take different listings, and a listing changed while it is being computed is queued again (its new queue row
-- waits for this transaction) and computed once more.
--
-- A changed listing (not fill) loses every pair it is in, then gets the pairs it finds (its 25 nearest) and those
-- where it is found (a listing within 2 km with a similar name that has it among its own 25 nearest). A fill
-- listing only adds the pairs it finds: every listing is then queued, so each finds its own.
--
-- Writes are serialised by a transaction advisory lock (2026112117): taken from the start by a batch that holds
-- changes (it deletes pairs: two such batches computing at once could each miss a pair of their two listings, each
-- computed from the other's old name), and only for the writes by a fill-only batch, which deletes nothing and can
-- compute in parallel. Every pair written is checked again against the listings as they are then (similarity,
-- distance, not archived), so a pair computed from a name changed in the meantime is not written.
-- wait_for_lock false (the page): when another batch holds the lock, nothing is claimed and 0 is returned at once,
-- so a page never waits for the worker.
create function actor_duplicate_drain(batch_size integer, department text default null, wait_for_lock boolean default true)
returns integer
language plpgsql as $$
declare
    claimed_ids bigint[];
    changed_ids bigint[];
    pair_lows bigint[];
    pair_highs bigint[];
begin
    if not wait_for_lock and not pg_try_advisory_xact_lock(2026112117) then
        return 0;
    end if;
    if department is null then
        with claimed as (
            delete from actor_duplicate_queue q
            where q.actor_id in (select actor_id from actor_duplicate_queue
                                 order by fill, actor_id limit batch_size for update skip locked)
            returning q.actor_id, q.fill)
        select array_agg(actor_id), coalesce(array_agg(actor_id) filter (where not fill), '{}')
        into claimed_ids, changed_ids from claimed;
    else
        with claimed as (
            delete from actor_duplicate_queue q
            where q.actor_id in (select actor_id from actor_duplicate_queue where department_code = department
                                 order by fill, actor_id limit batch_size for update skip locked)
            returning q.actor_id, q.fill)
        select array_agg(actor_id), coalesce(array_agg(actor_id) filter (where not fill), '{}')
        into claimed_ids, changed_ids from claimed;
    end if;
    if claimed_ids is null then
        return 0;
    end if;

    -- A fill row whose listing is gone or archived (it would have been queued as a change) is treated as a change.
    changed_ids := changed_ids || array(
        select c.id from unnest(claimed_ids) c(id)
        where not exists (select from actor a where a.id = c.id and a.status <> 'archived' and a.geom_l93 is not null));
    if cardinality(changed_ids) > 0 then
        perform pg_advisory_xact_lock(2026112117);
    end if;

    with source as (
        select a.id, a.geom_l93, portal_normalise(a.name || ' ' || coalesce(a.acronym, '')) as normalised,
               a.id = any(changed_ids) as changed
        from actor a
        where a.id = any(claimed_ids) and a.status <> 'archived' and a.geom_l93 is not null),
    found as (
        select s.id as a_id, n.id as b_id
        from source s
        cross join lateral (
            select b.id
            from (select b.id, b.name, b.acronym, b.geom_l93 from actor b
                  where b.status <> 'archived' and b.id <> s.id and b.geom_l93 is not null
                  order by b.geom_l93 <-> s.geom_l93
                  limit 25) b
            where st_dwithin(b.geom_l93, s.geom_l93, 2000)
              and similarity(s.normalised, portal_normalise(b.name || ' ' || coalesce(b.acronym, ''))) >= 0.6) n
        union all
        -- Where it is found. Only the 25 nearest listings of each 60° sector around it can have it among their own
        -- 25 nearest (two listings of one sector, the nearer at distance e ≤ d, are at most d apart: if 25 of its
        -- sector are nearer than y, y has 25 listings at least as near as s). So names are compared for at most 150
        -- listings (and those at its very position), not every listing within 2 km (Paris at 1M: about 3,600).
        select s.id, r.id
        from source s
        cross join lateral (
            select y.id, y.name, y.acronym, y.geom_l93, st_azimuth(s.geom_l93, y.geom_l93) as azimuth,
                   row_number() over (partition by floor(st_azimuth(s.geom_l93, y.geom_l93) / (pi() / 3))
                                      order by y.geom_l93 <-> s.geom_l93) as sector_rank
            from actor y
            where s.changed and st_dwithin(y.geom_l93, s.geom_l93, 2000) and y.id <> s.id and y.status <> 'archived') r
        where (r.sector_rank <= 25 or r.azimuth is null)
          and similarity(s.normalised, portal_normalise(r.name || ' ' || coalesce(r.acronym, ''))) >= 0.6
          and s.id in (select k.id from actor k
                       where k.status <> 'archived' and k.id <> r.id and k.geom_l93 is not null
                       order by k.geom_l93 <-> r.geom_l93
                       limit 25))
    select array_agg(low_id order by low_id, high_id), array_agg(high_id order by low_id, high_id)
    into pair_lows, pair_highs
    from (select distinct least(a_id, b_id) as low_id, greatest(a_id, b_id) as high_id from found) p;

    if cardinality(changed_ids) = 0 then
        perform pg_advisory_xact_lock(2026112117);
    end if;
    delete from actor_duplicate_candidate c where c.actor_low = any(changed_ids) or c.actor_high = any(changed_ids);
    insert into actor_duplicate_candidate as c (actor_low, actor_high, low_department, high_department, similarity, distance)
    select l.id, h.id, l.department_code, h.department_code, m.similarity, m.distance
    from unnest(coalesce(pair_lows, '{}'), coalesce(pair_highs, '{}')) p(low_id, high_id)
    join actor l on l.id = p.low_id
    join actor h on h.id = p.high_id
    cross join lateral (
        select similarity(portal_normalise(l.name || ' ' || coalesce(l.acronym, '')),
                          portal_normalise(h.name || ' ' || coalesce(h.acronym, ''))) as similarity,
               st_distance(l.geom_l93, h.geom_l93) as distance) m
    where l.status <> 'archived' and h.status <> 'archived' and m.similarity >= 0.6 and m.distance <= 2000
    order by l.id, h.id
    on conflict (actor_low, actor_high) do update
    set low_department = excluded.low_department, high_department = excluded.high_department,
        similarity = excluded.similarity, distance = excluded.distance, computed_at = now();
    return cardinality(claimed_ids);
end
$$;

-- Starts over: empties the table and queues every located listing that is not archived, as a fill. Run by this
-- migration (an existing inventory is computed in the background, not here: queuing a million ids takes seconds,
-- computing their pairs takes minutes) and by hand after a change of the rule.
create function actor_duplicate_rebuild() returns bigint
language plpgsql as $$
declare
    queued bigint;
begin
    truncate actor_duplicate_candidate, actor_duplicate_queue;
    insert into actor_duplicate_queue (actor_id, department_code, fill)
    select id, department_code, true from actor where status <> 'archived' and geom_l93 is not null
    order by id;
    get diagnostics queued = row_count;
    return queued;
end
$$;

select actor_duplicate_rebuild();
