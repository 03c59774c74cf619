-- Registrations hold their seat (or waiting-list place) until the visitor confirms the address by the link of the
-- first e-mail (docs/decisions/0032-registration-holds.md). hold_expires_at is written by the registration form and
-- never cleared; a row is a hold while address_confirmed_at is null. Rows written before (or by staff and imports)
-- have no deadline: they are not holds. An unconfirmed hold past its deadline is cancelled by the events'
-- housekeeping (cancelled_by = 'unconfirmed'), and its seat goes to the waiting list as for any cancellation.
alter table registration
    add column if not exists address_token_hash bytea unique check (length(address_token_hash) = 32),
    add column if not exists hold_expires_at timestamptz,
    add column if not exists address_confirmed_at timestamptz;

alter table registration drop constraint if exists registration_cancelled_by_check;
alter table registration add constraint registration_cancelled_by_check
    check (cancelled_by in ('registrant', 'organiser', 'unconfirmed'));

-- The housekeeping's search for lapsed holds, and the per-event count of unconfirmed holds of the last hour.
create index if not exists registration_pending_hold_idx on registration (hold_expires_at)
    where address_confirmed_at is null and hold_expires_at is not null and status in ('confirmed', 'waitlisted');
create index if not exists registration_unconfirmed_recent_idx on registration (session_id, created_at)
    where address_confirmed_at is null and hold_expires_at is not null;
