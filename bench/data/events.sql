-- Registrations under contention (register-contention): one published event whose one session every client
-- registers to, with room for every registration of a run, so that each transaction takes a seat through the
-- conditional UPDATE of that one row (the contended case: winners queue on its row lock). Run after each size's
-- actors are generated (their TRUNCATE … CASCADE empties the events, which may name actors); its registrations and
-- their outbox messages go with it.
\set ON_ERROR_STOP on
set client_min_messages = warning;
delete from outbox_message where kind like 'registration-%' and recipient like 'bench-%@example.org';
delete from event where slug = 'bench-inscriptions';
insert into event (slug, kind, title, organiser_name, commune_code, status)
values ('bench-inscriptions', 'atelier', 'Banc d''essai des inscriptions', 'Ocim', '21231', 'published');
insert into event_session (event_id, starts_at, ends_at, capacity)
select id, now() + interval '30 days', now() + interval '30 days 2 hours', 1000000000 from event where slug = 'bench-inscriptions';
do $$
begin
    execute format($f$create or replace function bench.registration_session() returns bigint language sql immutable as 'select %s::bigint'$f$,
                   (select s.id from event_session s join event e on e.id = s.event_id where e.slug = 'bench-inscriptions'));
end
$$;
