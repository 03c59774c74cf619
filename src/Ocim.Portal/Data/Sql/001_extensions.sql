-- Extensions the portal relies on. PostGIS is not a trusted extension: on a server the portal does not own,
-- an administrator creates these once and the migration finds them.
create extension if not exists postgis;
create extension if not exists unaccent;
create extension if not exists pg_trgm;

-- French sort order for names (accents, case and numbers as a French reader expects: "Écueillé" among the E).
create collation if not exists french (provider = icu, locale = 'fr-FR-u-kn-true');
