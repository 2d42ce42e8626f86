-- Up Migration
-- How far the dispatcher has turned the global log into projection jobs.
create table dispatcher_checkpoint (
  id text primary key,
  major bigint not null,
  minor bigint not null,
  updated_at timestamptz not null default now()
);

-- Down Migration
drop table dispatcher_checkpoint;
