-- The directory's name order as a French reader expects it: a name's leading punctuation (dashes, brackets, quotes,
-- bullets) and its leading numbering (« 01 - », « 3) ») are not read when sorting, so that « - UMR 9014 - … » sorts
-- under U, « (Dys)Régulations… » under D and « 01 - BIBLIOTHEQUE… » under B. Accents and case are then the ICU
-- collation's business (collate french). The key is stored (a generated column) and indexed with the id, so that a
-- page of the list is read in index order.
--
-- The characters are listed by code point rather than with [[:punct:]], whose meaning beyond ASCII depends on the
-- database's ctype (C.UTF-8 here): ASCII punctuation and symbols, Latin-1 punctuation (U+00A0–U+00BF: « », °, ·),
-- general punctuation (U+2000–U+206F: – — ’ “ ” … •) and arrows, shapes and symbols (U+2190–U+2BFF).
-- A name that is nothing but punctuation and numbers keeps itself as its key.
create function portal_sort_name(value text) returns text
language sql immutable parallel safe strict as $$
    select coalesce(nullif(regexp_replace(value,
        '^[\s!-/:-@\[-`{-~\u00A0-\u00BF\u2000-\u206F\u2190-\u2BFF]*([0-9]{1,4}\s*([-:)\u2013\u2014]|\.\s)[\s!-/:-@\[-`{-~\u00A0-\u00BF\u2000-\u206F\u2190-\u2BFF]*)?',
        ''), ''), value)
$$;

alter table actor add column sort_name text generated always as (portal_sort_name(name)) stored;

-- The status rides along (INCLUDE) so that the list finds a page's ids from the index alone (an index-only scan:
-- the skipped rows of a deep page are never read from the table).
drop index actor_name_idx;
create index actor_sort_name_idx on actor (sort_name collate french, id) include (status);
