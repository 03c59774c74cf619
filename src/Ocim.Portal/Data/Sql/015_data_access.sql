-- « Mes données » (right of access, RGPD art. 15): a person asks, by e-mail address, for what the portal holds
-- about them; a link is mailed to that address, and the link shows and exports the data
-- (docs/decisions/0023-my-data-export.md). The link's token is stored nowhere: only its SHA-256.
create table if not exists data_access_token (
    id          bigint generated always as identity primary key,
    -- The address as typed (trimmed); compared with lower() on both sides, as registrations are.
    email       text not null check (length(email) between 3 and 320),
    token_hash  bytea not null unique check (length(token_hash) = 32),
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    -- Set when the person opens their data (a POST from the link's page); the page and the downloads then stay
    -- readable for a short while, after which the link is spent.
    used_at     timestamptz,
    check (expires_at > created_at)
);
-- The per-address limit on mails (one link per address in a few minutes) reads the latest request of an address.
create index if not exists data_access_token_email_idx on data_access_token (lower(email), created_at desc);
create index if not exists data_access_token_expires_idx on data_access_token (expires_at);

-- Registrations found by address, whatever its case (the purge has set purged rows' address to null).
create index if not exists registration_email_idx on registration (lower(email)) where email is not null;

grant select, insert, update, delete on data_access_token to ocim_web;
