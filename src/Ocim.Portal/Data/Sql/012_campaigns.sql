-- Survey campaigns (the OCIM questionnaire): a population of listings (an actor filter, frozen into recipients when
-- the invitations go out), personal links (only the SHA-256 of each token is stored), answers, follow-up calls.

create table campaign (
    id                  bigint generated always as identity primary key,
    title               text not null check (char_length(btrim(title)) between 3 and 200),
    year                smallint not null check (year between 2000 and 2100),
    population          text not null default '' check (char_length(population) <= 2000),
    opens_on            date not null,
    closes_on           date not null,
    created_by          bigint references account (id) on delete set null,
    created_at          timestamptz not null default now(),
    invitations_sent_at timestamptz,
    check (closes_on >= opens_on)
);

create table campaign_recipient (
    campaign_id  bigint not null references campaign (id) on delete cascade,
    actor_id     bigint not null references actor (id) on delete cascade,
    email        text,
    token_hash   bytea unique,
    invited_at   timestamptz,
    reminded_at  timestamptz,
    reminders    smallint not null default 0,
    responded_at timestamptz,
    primary key (campaign_id, actor_id)
);
create index campaign_recipient_pending on campaign_recipient (campaign_id) where responded_at is null;

create table campaign_response (
    campaign_id     bigint not null,
    actor_id        bigint not null,
    submitted_at    timestamptz not null default now(),
    active          boolean not null,
    audiences       text[] not null default '{}',
    actions_count   integer check (actions_count between 0 and 100000),
    attendance      integer check (attendance between 0 and 10000000),
    duration_hours  numeric(8, 1) check (duration_hours between 0 and 10000),
    comment         text check (char_length(comment) <= 2000),
    listing_changes jsonb not null default '{}'::jsonb,
    primary key (campaign_id, actor_id),
    foreign key (campaign_id, actor_id) references campaign_recipient (campaign_id, actor_id) on delete cascade
);

create table campaign_call (
    id          bigint generated always as identity primary key,
    campaign_id bigint not null,
    actor_id    bigint not null,
    at          timestamptz not null default now(),
    account_id  bigint references account (id) on delete set null,
    outcome     text not null check (outcome in ('joint', 'message', 'injoignable', 'refus')),
    note        text check (char_length(note) <= 1000),
    foreign key (campaign_id, actor_id) references campaign_recipient (campaign_id, actor_id) on delete cascade
);
create index campaign_call_recipient on campaign_call (campaign_id, actor_id, at);
