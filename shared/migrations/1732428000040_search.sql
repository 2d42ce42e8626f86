-- Up Migration
-- Product search on PostgreSQL (issue 15; shared/src/search/postgres.ts): pg_trgm forgives
-- typos (trigram similarity), unaccent lets "creme" find "Crème". Both ship with PostgreSQL
-- (contrib) and are trusted extensions, so the migrating role may create them. Tests clone
-- their databases from a migrated template, which carries the extensions along.
create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- unaccent() is only STABLE (its dictionary could be swapped), so it cannot sit in an index
-- expression; naming the dictionary fixes it, which makes this wrapper safe to call IMMUTABLE.
-- Every folded text (documents and queries alike) goes through this one function.
create function public.search_fold(text) returns text
  language sql immutable parallel safe strict
  return lower(public.unaccent('public.unaccent'::regdictionary, $1));

-- English stemming ("hoodies" finds "hoodie") after unaccent, for the full-text half.
create text search configuration public.flowdose_search (copy = pg_catalog.english);
alter text search configuration public.flowdose_search
  alter mapping for hword, hword_part, word with public.unaccent, english_stem;

-- Down Migration
drop text search configuration if exists public.flowdose_search;
drop function if exists public.search_fold(text);
drop extension if exists unaccent;
drop extension if exists pg_trgm;
