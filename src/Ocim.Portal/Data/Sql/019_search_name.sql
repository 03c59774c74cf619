-- The text search's name key, stored: portal_normalise() (unaccent + lower) of the name and acronym, computed when a
-- listing is written instead of for every row a search reads. The trigram index moves from the expression to the
-- column, so that the index's recheck and the relevance ranking read a stored value (at 1M actors the expression
-- cost about 12 µs a row: 1.5 s for a common word's 125,000 matches). docs/decisions/0029-bounded-text-search.md.
alter table actor add column search_name text generated always as (portal_normalise(name || ' ' || coalesce(acronym, ''))) stored;

drop index if exists actor_name_trgm_idx;
create index actor_search_name_trgm_idx on actor using gin (search_name gin_trgm_ops);

-- The new column has no statistics yet: the planner needs them to weigh the trigram index against the others.
analyze actor;
