-- Accounts (ASP.NET Core Identity, schema version 1, in snake_case tables), representatives of actors, and the
-- restricted database role the web application runs as.

create table account (
    id                      bigint generated always as identity primary key,
    display_name            text not null check (char_length(btrim(display_name)) between 1 and 200),
    user_name               varchar(256),
    normalized_user_name    varchar(256),
    email                   varchar(256),
    normalized_email        varchar(256),
    email_confirmed         boolean not null default false,
    password_hash           text,
    security_stamp          text,
    concurrency_stamp       text,
    phone_number            text,
    phone_number_confirmed  boolean not null default false,
    two_factor_enabled      boolean not null default false,
    lockout_end             timestamptz,
    lockout_enabled         boolean not null default true,
    access_failed_count     integer not null default 0,
    curator_region_code     text references region (code),
    curator_department_code text references department (code),
    created_at              timestamptz not null default now(),
    disabled_at             timestamptz
);
create unique index account_normalized_user_name on account (normalized_user_name);
create unique index account_normalized_email on account (normalized_email);

create table role (
    id                bigint generated always as identity primary key,
    name              varchar(256),
    normalized_name   varchar(256),
    concurrency_stamp text
);
create unique index role_normalized_name on role (normalized_name);

create table account_role (
    user_id bigint not null references account (id) on delete cascade,
    role_id bigint not null references role (id) on delete cascade,
    primary key (user_id, role_id)
);
create index account_role_role on account_role (role_id);

create table account_claim (
    id          integer generated always as identity primary key,
    user_id     bigint not null references account (id) on delete cascade,
    claim_type  text,
    claim_value text
);
create index account_claim_user on account_claim (user_id);

create table role_claim (
    id          integer generated always as identity primary key,
    role_id     bigint not null references role (id) on delete cascade,
    claim_type  text,
    claim_value text
);
create index role_claim_role on role_claim (role_id);

create table account_login (
    login_provider        text not null,
    provider_key          text not null,
    provider_display_name text,
    user_id               bigint not null references account (id) on delete cascade,
    primary key (login_provider, provider_key)
);
create index account_login_user on account_login (user_id);

create table account_token (
    user_id        bigint not null references account (id) on delete cascade,
    login_provider text not null,
    name           text not null,
    value          text,
    primary key (user_id, login_provider, name)
);

insert into role (name, normalized_name, concurrency_stamp) values
    ('administrateur', 'ADMINISTRATEUR', gen_random_uuid()::text),
    ('curateur', 'CURATEUR', gen_random_uuid()::text),
    ('representant', 'REPRESENTANT', gen_random_uuid()::text);

create table actor_representative (
    account_id bigint not null references account (id) on delete cascade,
    actor_id   bigint not null references actor (id) on delete cascade,
    trusted    boolean not null default false,
    granted_at timestamptz not null default now(),
    granted_by bigint references account (id) on delete set null,
    primary key (account_id, actor_id)
);
create index actor_representative_actor on actor_representative (actor_id);

-- The audit trail: one row per change of a listing (or any other record), written in the same transaction as the
-- change. Append-only: the web role may insert and read, never update or delete (revoked below), and a trigger
-- refuses UPDATE and DELETE for every role, the owner included, unless it disables the trigger on purpose.
create table audit_log (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default now(),
    account_id  bigint references account (id) on delete set null,
    action      text not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    entity      text not null,
    entity_id   bigint not null,
    changes     jsonb not null default '{}'::jsonb,
    snapshot    jsonb,
    message     text,
    request_id  text
);
create index audit_log_entity on audit_log (entity, entity_id, id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();

-- The web application's privileges (docs/decisions/0011-accounts-and-web-role.md). Migrations, imports and seeding
-- run as the owner; the site runs as a login role that is a member of ocim_web (./portal run creates portal_web),
-- which may read and write rows but owns nothing: no DDL, no TRUNCATE, and later migrations withdraw UPDATE and
-- DELETE on append-only tables (the audit trail). Roles belong to the whole server, so the role is created once.
do $$
begin
    if not exists (select from pg_roles where rolname = 'ocim_web') then
        create role ocim_web nologin;
    end if;
end
$$;
grant usage on schema public to ocim_web;
grant select, insert, update, delete on all tables in schema public to ocim_web;
grant usage, select on all sequences in schema public to ocim_web;
revoke all on table "__EFMigrationsHistory" from ocim_web;
grant select on table "__EFMigrationsHistory" to ocim_web;
revoke update, delete, truncate on table audit_log from ocim_web;
alter default privileges in schema public grant select, insert, update, delete on tables to ocim_web;
alter default privileges in schema public grant usage, select on sequences to ocim_web;
