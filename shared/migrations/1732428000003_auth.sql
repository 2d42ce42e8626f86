-- Up Migration
-- Credentials are security state, not domain history: they live in tables, never in events,
-- so no password hash is ever replayed, exported or shown in an audit.
create table customer_credentials (
  customer_id uuid primary key,
  email text not null unique, -- stored lower-cased
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table staff_users (
  user_id uuid primary key,
  email text not null unique,
  password_hash text not null,
  role text not null check (role in ('admin', 'ops', 'analyst')),
  created_at timestamptz not null default now()
);

-- A login starts a session; each refresh rotates its token. A rotated token used again means
-- it leaked: the whole session is revoked.
create table auth_sessions (
  session_id uuid primary key,
  user_id uuid not null,
  role text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table refresh_tokens (
  token_hash text primary key, -- sha256 of the token; the token itself is never stored
  session_id uuid not null references auth_sessions (session_id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index refresh_tokens_session on refresh_tokens (session_id);

-- Down Migration
drop table refresh_tokens;
drop table auth_sessions;
drop table staff_users;
drop table customer_credentials;
