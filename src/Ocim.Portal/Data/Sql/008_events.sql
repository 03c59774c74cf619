-- Events (workshops, trainings, forums, study days…), their sessions and the registrations to each session.
-- Seats are counted on the session row (confirmed) and taken by one conditional UPDATE in the registration's own
-- transaction (docs/decisions/0012-event-registration-seats.md); the CHECK below is the backstop that makes an
-- overbooked session impossible whatever the code does.

create table if not exists event (
    id                      bigint generated always as identity primary key,
    slug                    text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 120),
    kind                    text not null check (kind in ('atelier', 'formation', 'forum', 'journee-etude', 'rencontre', 'webinaire', 'workshop', 'conference', 'seminaire')),
    title                   text not null check (length(title) between 1 and 300),
    summary                 text check (length(summary) <= 600),
    about                   text,                      -- Markdown
    objectives              text,                      -- Markdown
    audience                text,
    accessibility           text,                      -- how the venue and the event are made accessible
    themes                  text[] not null default '{}',   -- slugs of actor_vocabulary (kind 'theme')
    attendance_mode         text not null default 'presentiel' check (attendance_mode in ('presentiel', 'en-ligne', 'hybride')),
    online_url              text check (online_url ~ '^https://'),
    -- The venue: an actor of the inventory, or a free address in a commune (then placed at the given point, or at
    -- the commune's centre). commune_code and the point are filled by a trigger; department and region follow.
    venue_actor_id          bigint references actor (id) on delete set null,
    venue_name              text,
    venue_address           text,
    venue_postal_code       text,
    commune_code            text references commune (code),
    department_code         text,
    region_code             text,
    longitude               double precision check (longitude between -180 and 180),
    latitude                double precision check (latitude between -90 and 90),
    organiser_actor_id      bigint references actor (id) on delete set null,
    organiser_name          text not null check (length(organiser_name) between 1 and 300),
    is_free                 boolean not null default true,
    price_details           text,
    registration_required   boolean not null default true,
    registration_opens_at   timestamptz,
    registration_closes_at  timestamptz,
    -- Set by staff ("clôturer les inscriptions"): no new registration, whatever the dates say.
    registration_closed     boolean not null default false,
    -- 'full' is not stored: it is read from the sessions' counters, which cannot disagree with themselves.
    status                  text not null default 'draft' check (status in ('draft', 'published', 'cancelled', 'postponed')),
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    check (attendance_mode = 'presentiel' or online_url is not null),
    check (registration_closes_at is null or registration_opens_at is null or registration_closes_at > registration_opens_at)
);
create index if not exists event_status_idx on event (status);
create index if not exists event_region_idx on event (region_code);
create index if not exists event_department_idx on event (department_code);
create index if not exists event_organiser_idx on event (organiser_actor_id);
create index if not exists event_themes_idx on event using gin (themes);

create table if not exists event_partner (
    event_id   bigint not null references event (id) on delete cascade,
    position   integer not null,
    actor_id   bigint references actor (id) on delete set null,
    name       text not null check (length(name) between 1 and 300),
    primary key (event_id, position)
);

create table if not exists event_session (
    id         bigint generated always as identity primary key,
    event_id   bigint not null references event (id) on delete cascade,
    starts_at  timestamptz not null,
    ends_at    timestamptz not null,
    capacity   integer not null check (capacity >= 0),
    -- Seats taken: raised only by the conditional UPDATE of a registration (or a promotion), lowered by a
    -- cancellation, in the same transaction as the registration row it counts.
    confirmed  integer not null default 0 check (confirmed >= 0),
    check (confirmed <= capacity),
    check (ends_at > starts_at)
);
create index if not exists event_session_event_idx on event_session (event_id, starts_at);
create index if not exists event_session_starts_idx on event_session (starts_at);

create table if not exists registration (
    id                   bigint generated always as identity primary key,
    session_id           bigint not null references event_session (id) on delete cascade,
    status               text not null check (status in ('confirmed', 'waitlisted', 'cancelled')),
    -- Personal data: erased (set to null) by the retention purge, some months after the event.
    full_name            text check (length(full_name) between 1 and 200),
    email                text check (length(email) <= 320),
    organisation         text check (length(organisation) <= 300),
    role                 text check (length(role) <= 200),
    accessibility_needs  text check (length(accessibility_needs) <= 2000),
    consent_at           timestamptz not null,
    -- The form's key: a double submit carries the same one and finds the first registration.
    idempotency_key      uuid not null unique,
    -- SHA-256 of the cancel link's token; the token itself is stored nowhere.
    cancel_token_hash    bytea not null unique check (length(cancel_token_hash) = 32),
    created_at           timestamptz not null default clock_timestamp(),
    confirmed_at         timestamptz,
    promoted_at          timestamptz,
    cancelled_at         timestamptz,
    cancelled_by         text check (cancelled_by in ('registrant', 'organiser')),
    attended             boolean,
    reminded_at          timestamptz,
    purged_at            timestamptz,
    check (purged_at is not null or (full_name is not null and email is not null)),
    check ((status = 'confirmed') <= (confirmed_at is not null))
);
-- One active registration per person and session, whatever the case of the address.
create unique index if not exists registration_one_per_person on registration (session_id, lower(email)) where status in ('confirmed', 'waitlisted');
-- The waiting list, first come first served.
create index if not exists registration_waiting_idx on registration (session_id, created_at, id) where status = 'waitlisted';
create index if not exists registration_session_idx on registration (session_id, status);

-- A venue resolves to its commune once, when it is written (as for actors): an actor venue lends its point; a
-- point resolves with resolve_territory; a commune without a point is placed at its centre.
create or replace function event_resolve_venue() returns trigger
language plpgsql as $$
declare
    found record;
begin
    -- An edit that changes the commune or the venue actor but carries the previous point: the point follows.
    if tg_op = 'UPDATE' and new.longitude is not distinct from old.longitude and new.latitude is not distinct from old.latitude
       and (new.commune_code is distinct from old.commune_code or new.venue_actor_id is distinct from old.venue_actor_id) then
        new.longitude := null;
        new.latitude := null;
        if new.venue_actor_id is distinct from old.venue_actor_id and new.venue_actor_id is not null then
            new.commune_code := null;
        end if;
    end if;

    if new.venue_actor_id is not null and new.longitude is null then
        select a.longitude, a.latitude, coalesce(new.commune_code, a.commune_code) as commune_code,
               coalesce(new.venue_name, a.name) as name, coalesce(new.venue_address, a.address) as address,
               coalesce(new.venue_postal_code, a.postal_code) as postal_code
        into found from actor a where a.id = new.venue_actor_id;
        new.longitude := found.longitude;
        new.latitude := found.latitude;
        new.commune_code := found.commune_code;
        new.venue_name := found.name;
        new.venue_address := found.address;
        new.venue_postal_code := found.postal_code;
    end if;

    if new.longitude is not null and new.latitude is not null then
        select r.commune_code into found from resolve_territory(new.longitude, new.latitude) r;
        new.commune_code := coalesce(found.commune_code, new.commune_code);
    elsif new.commune_code is not null then
        select st_x(c.centre) as lon, st_y(c.centre) as lat into found from commune c where c.code = new.commune_code;
        new.longitude := found.lon;
        new.latitude := found.lat;
    end if;

    if new.commune_code is not null then
        select c.department_code, c.region_code into new.department_code, new.region_code from commune c where c.code = new.commune_code;
    else
        new.department_code := null;
        new.region_code := null;
    end if;

    new.updated_at := now();
    return new;
end
$$;

drop trigger if exists event_resolve_venue_on_write on event;
create trigger event_resolve_venue_on_write before insert or update on event
    for each row execute function event_resolve_venue();
