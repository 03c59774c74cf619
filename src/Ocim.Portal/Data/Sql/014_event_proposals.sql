-- Events proposed by an actor's representative for their listing (issue 6). The proposal's content is an ordinary
-- event row kept in status 'draft' (so every public page, feed, map and registration already ignores it); this table
-- holds where the proposal stands, who made it for which listing, and who decided
-- (docs/decisions/0021-event-proposals.md).
create table if not exists event_proposal (
    id             bigint generated always as identity primary key,
    -- One proposal per event: the event is the proposal's content.
    event_id       bigint not null unique references event (id) on delete cascade,
    -- The listing that organises the event (the representative never chooses another one).
    actor_id       bigint not null references actor (id) on delete cascade,
    proposed_by    bigint references account (id) on delete set null,
    proposed_at    timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    status         text not null default 'pending' check (status in ('pending', 'published', 'rejected')),
    decided_by     bigint references account (id) on delete set null,
    decided_at     timestamptz,
    decision_note  text check (char_length(decision_note) <= 2000),
    -- Moves on every edit and decision: a decision names the version the curator read (two curators at once, or a
    -- curator and the representative editing, and only the first wins).
    version        integer not null default 1,
    check ((status = 'pending') = (decided_at is null)),
    check (status <> 'rejected' or decision_note is not null)
);
create index if not exists event_proposal_pending on event_proposal (proposed_at, id) where status = 'pending';
create index if not exists event_proposal_actor on event_proposal (actor_id, id);
create index if not exists event_proposal_proposer on event_proposal (proposed_by, id);

-- The web role reads and writes proposals (default privileges of 007 cover it when the same role migrates; said
-- here so that a migration run by another role still leaves the table reachable).
grant select, insert, update, delete on event_proposal to ocim_web;
