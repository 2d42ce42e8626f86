#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1: starts them when installed but
# stopped, installs them from Debian's packages when running as root on Debian, and
# otherwise says exactly what to do. Safe to run again and again.
set -euo pipefail

PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
say() { printf '[services] %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 60); do listening "$1" && return 0; sleep 0.5; done
  return 1
}
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_postgres() {
  local started=""
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null && started=1 || true
    done
  fi
  [ -n "$started" ]
}

if listening "$PG_PORT"; then
  say "PostgreSQL is up on 127.0.0.1:$PG_PORT"
else
  if ! start_postgres && can_apt; then
    say "installing PostgreSQL from Debian's packages"
    apt_install postgresql
    start_postgres || true
    # A fresh Debian cluster asks TCP clients for a password: give postgres the one .env.example names.
    wait_for "$PG_PORT" && su postgres -c "psql -qc \"alter user postgres password 'postgres'\"" >/dev/null
  fi
  wait_for "$PG_PORT" || {
    say "PostgreSQL is not reachable on 127.0.0.1:$PG_PORT and could not be started."
    say "Install PostgreSQL 15+ (e.g. 'sudo apt-get install postgresql') or set DATABASE_URL in .env to a reachable server."
    exit 1
  }
  say "PostgreSQL started on 127.0.0.1:$PG_PORT"
fi

if listening "$REDIS_PORT"; then
  say "Redis is up on 127.0.0.1:$REDIS_PORT"
else
  if ! command -v redis-server >/dev/null && can_apt; then
    say "installing Redis from Debian's packages"
    apt_install redis-server
  fi
  if command -v redis-server >/dev/null; then
    # BullMQ needs keys never evicted: noeviction is Redis's default policy.
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  fi
  wait_for "$REDIS_PORT" || {
    say "Redis is not reachable on 127.0.0.1:$REDIS_PORT and could not be started."
    say "Install Redis 6.2+ (e.g. 'sudo apt-get install redis-server') or set REDIS_URL in .env."
    exit 1
  }
  say "Redis started on 127.0.0.1:$REDIS_PORT"
fi
