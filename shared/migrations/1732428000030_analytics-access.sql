-- Up Migration
-- Read-only SQL for analysts (issue 14). Stable views over the read models live in the
-- `analytics` schema (each projection declares its own: Projection.views; the projections
-- make them and move them along with every rebuild). A NOLOGIN group role may read those
-- views and nothing else; `npm run ops -- create-analyst-role` makes login roles in it.
-- The names are spelled out in shared/src/read-models.ts too: keep them in step.

-- Roles belong to the whole cluster, not to this database: another database's migration may
-- be making the same role at this moment (tests run many), so "already there" is fine, and
-- a concurrent CREATE ROLE that loses the race fails with unique_violation, fine too.
do $$
begin
  if not exists (select from pg_roles where rolname = 'flowdose_analytics_reader') then
    begin
      create role flowdose_analytics_reader nologin;
    exception when duplicate_object or unique_violation then
      null;
    end;
  end if;
end
$$;

-- Owned by the migrating role (which makes the views); the reader role owns nothing.
create schema analytics;
revoke all on schema analytics from public;
grant usage on schema analytics to flowdose_analytics_reader;
-- Views made later by the migrating role are readable at once, whatever creates them.
alter default privileges in schema analytics grant select on tables to flowdose_analytics_reader;

-- No one but the owner creates objects in public (PostgreSQL 15's default for a new
-- cluster; a cluster upgraded from an older one keeps CREATE for everyone).
revoke create on schema public from public;
-- Large objects are the one write any role may make, even in a read-only transaction
-- (PostgreSQL 15 lets lo_create through one). Nothing here uses them.
revoke execute on function lo_create(oid), lo_creat(integer), lo_from_bytea(oid, bytea) from public;
-- Two things any role may do, even read-only, stall the services: hold an advisory lock
-- they take (the dispatcher's leader, schema creation, a rebuild's swap), or take a
-- transaction id and keep its transaction open (gap-safe reading of the event log holds
-- back every event newer than the oldest open one). The functions are taken from PUBLIC and
-- given to the role that migrates, which is the role the services connect as (one
-- DATABASE_URL; the events table's default calls pg_current_xact_id); a service connecting
-- as another, non-superuser role needs them granted too.
do $$
declare
  fn regprocedure;
begin
  for fn in
    select oid::regprocedure from pg_proc
    where (proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$' or proname in ('pg_current_xact_id', 'txid_current'))
      and pronamespace = 'pg_catalog'::regnamespace
  loop
    execute format('revoke execute on function %s from public', fn);
    execute format('grant execute on function %s to current_user', fn);
  end loop;
end
$$;

-- Down Migration
do $$
declare
  fn regprocedure;
begin
  for fn in
    select oid::regprocedure from pg_proc
    where (proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$' or proname in ('pg_current_xact_id', 'txid_current'))
      and pronamespace = 'pg_catalog'::regnamespace
  loop
    execute format('grant execute on function %s to public', fn);
  end loop;
end
$$;
grant execute on function lo_create(oid), lo_creat(integer), lo_from_bytea(oid, bytea) to public;
drop schema analytics cascade;
-- The role is left in place: other databases of the cluster may grant it their views.
