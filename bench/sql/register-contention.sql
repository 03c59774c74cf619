-- POST /evenements/bench-inscriptions/inscription: the transaction RegisterForSession runs for a new visitor, every
-- client on the same session (the contended row): lock timeout, session state, the form key and the address
-- checks, the conditional UPDATE that takes the seat, the registration row and its e-mail in the outbox. (No colon
-- before a letter inside a literal: pgbench would take it for a variable, hence chr(58).)
\set k random(1, 1000000000)
begin;
set local lock_timeout = '3000ms';
select s.id, s.starts_at, s.ends_at, e.title, e.slug, e.status, e.registration_required, e.registration_closed,
       e.registration_opens_at, e.registration_closes_at,
       concat_ws(', ', e.venue_name, e.venue_address, concat_ws(' ', e.venue_postal_code, c.name)) as place
from event_session s join event e on e.id = s.event_id left join commune c on c.code = e.commune_code
where s.id = bench.registration_session();
select status from registration where idempotency_key = md5(:k::text || clock_timestamp()::text)::uuid;
select exists (select from registration where session_id = bench.registration_session()
               and lower(email) = lower('bench-' || :client_id || '-' || :k || '@example.org') and status in ('confirmed', 'waitlisted'));
with seat as (update event_session set confirmed = confirmed + 1 where id = bench.registration_session() and confirmed < capacity returning 1)
select count(*) as seat from seat \gset
insert into registration (session_id, status, full_name, email, consent_at, idempotency_key, cancel_token_hash, confirmed_at)
values (bench.registration_session(), case when :seat = 1 then 'confirmed' else 'waitlisted' end, 'Personne de banc d''essai',
        'bench-' || :client_id || '-' || :k || '-' || md5(clock_timestamp()::text) || '@example.org', now(),
        gen_random_uuid(), sha256(gen_random_uuid()::text::bytea), case when :seat = 1 then now() end)
returning id \gset reg_
insert into outbox_message (kind, recipient, subject, body, deduplication_key)
values ('registration-confirmed', 'bench-' || :client_id || '-' || :k || '@example.org', 'Inscription confirmée : Banc d''essai des inscriptions',
        repeat('Bonjour, votre inscription est confirmée. ', 20), concat_ws(chr(58), 'registration', :reg_id::text, 'registration-confirmed'))
on conflict (deduplication_key) do nothing;
commit;
