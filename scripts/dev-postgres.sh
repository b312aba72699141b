#!/usr/bin/env bash
# Prints the URL of a Postgres server for development: the one in $1 (a postgres:// URL) when it answers;
# otherwise a private cluster under target/pgdata, started (and created the first time) from the PostgreSQL
# server binaries installed on this machine. Progress goes to stderr, the URL alone to stdout.
set -euo pipefail

wanted="${1:-postgres://postgres@127.0.0.1:5432/orderflow}"
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/target/pgdata"
port="${ORDERFLOW_DEV_PG_PORT:-54329}"

say() { printf '%s\n' "$*" >&2; }

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -d "$wanted" -t 3; then
  printf '%s\n' "$wanted"
  exit 0
fi

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$pgbin" ] || [ ! -x "$pgbin/pg_ctl" ]; then
  say "No Postgres answers at $wanted and no PostgreSQL server binaries are installed."
  say "Install them (apt-get install postgresql) or point DATABASE_URL at a running server."
  exit 1
fi

# The server refuses to run as root: use the postgres account the Debian package creates.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$root/target"
if [ ! -s "$data/PG_VERSION" ]; then
  say "No Postgres answers at $wanted: creating a private cluster in target/pgdata (port $port)."
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
  as_owner "$pgbin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 >/dev/null
fi
if ! as_owner "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  say "Starting the private Postgres cluster in target/pgdata on 127.0.0.1:$port (stop it with: make stop-postgres)."
  as_owner "$pgbin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
fi

database="${wanted##*/}"
database="${database%%\?*}"
printf 'postgres://postgres@127.0.0.1:%s/%s\n' "$port" "${database:-orderflow}"
