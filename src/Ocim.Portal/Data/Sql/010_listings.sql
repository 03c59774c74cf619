-- Listings taken in charge by actors (docs/decisions/0015-listing-revisions-and-invitations.md): invitations,
-- « c'est ma structure » requests, and revisions of a listing waiting for moderation.

-- Single-use links. Only the SHA-256 of the token is kept: a copy of this table opens nothing. A representative
-- invitation names an actor; a staff invitation names a role and an optional scope. The e-mail is locked: the
-- account created (or linked) is the one with this address.
create table invitation (
    id              bigint generated always as identity primary key,
    token_hash      bytea not null unique check (octet_length(token_hash) = 32),
    purpose         text not null check (purpose in ('representative', 'staff')),
    email           text not null check (char_length(email) between 3 and 320),
    actor_id        bigint references actor (id) on delete cascade,
    staff_role      text check (staff_role in ('curateur', 'administrateur')),
    region_code     text references region (code),
    department_code text references department (code),
    expires_at      timestamptz not null,
    used_at         timestamptz,
    used_by         bigint references account (id) on delete set null,
    created_at      timestamptz not null default now(),
    created_by      bigint references account (id) on delete set null,
    constraint invitation_purpose_target check (
        (purpose = 'representative' and actor_id is not null and staff_role is null)
        or (purpose = 'staff' and actor_id is null and staff_role is not null))
);
create index invitation_actor on invitation (actor_id);

-- A visitor says « c'est ma structure »: a curator approves (an invitation is sent) or rejects (a polite e-mail).
create table actor_claim (
    id            bigint generated always as identity primary key,
    actor_id      bigint not null references actor (id) on delete cascade,
    name          text not null check (char_length(btrim(name)) between 1 and 200),
    email         text not null check (char_length(email) between 3 and 320),
    role          text not null check (char_length(btrim(role)) between 1 and 200),
    message       text check (char_length(message) <= 2000),
    created_at    timestamptz not null default now(),
    status        text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
    decided_by    bigint references account (id) on delete set null,
    decided_at    timestamptz,
    decision_note text check (char_length(decision_note) <= 2000)
);
create index actor_claim_pending on actor_claim (created_at, id) where status = 'pending';
create index actor_claim_actor on actor_claim (actor_id);

-- A proposed change of a listing: the proposed fields (the columns a representative may change, by name) and the
-- listing's version (xmin) they were based on. Pending until a curator approves or rejects it; superseded when the
-- same person proposes again; approved at once for a trusted representative or a curator. version guards the race:
-- every transition is `… where status = 'pending' and version = @seen`.
create table actor_revision (
    id            bigint generated always as identity primary key,
    actor_id      bigint not null references actor (id) on delete cascade,
    fields        jsonb not null check (jsonb_typeof(fields) = 'object'),
    base_version  bigint not null,
    proposed_by   bigint references account (id) on delete set null,
    proposed_at   timestamptz not null default now(),
    status        text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'superseded')),
    decided_by    bigint references account (id) on delete set null,
    decided_at    timestamptz,
    decision_note text check (char_length(decision_note) <= 2000),
    version       integer not null default 1
);
create index actor_revision_pending on actor_revision (proposed_at, id) where status = 'pending';
create index actor_revision_actor on actor_revision (actor_id, id);
create index actor_revision_proposer on actor_revision (proposed_by, id);
