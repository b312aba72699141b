#!/usr/bin/env bash
# Entrypoint of the offline Postgres image built by scripts/offline-postgres-image.sh.
#
# It behaves like the official postgres image's entrypoint, as far as our tests (testcontainers-modules'
# Postgres) need:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default: the user),
#   POSTGRES_HOST_AUTH_METHOD (default scram-sha-256; trust needs no password), POSTGRES_INITDB_ARGS,
#   scripts in /docker-entrypoint-initdb.d (*.sh, *.sql, *.sql.gz) on first start.
# On first start (empty PGDATA) it runs initdb, then a temporary server reachable only through the unix socket
# whose log goes to STDOUT (pg_ctl without -l), creates the database, runs the init scripts and stops it. It then
# execs the real server, whose log goes to STDERR. So "database system is ready to accept connections" appears
# once on stdout (temporary server) and then on stderr (real server): testcontainers waits for both.
# Arguments starting with '-' (e.g. `-c fsync=off`) are passed to both servers.
set -Eeo pipefail

PG_BIN="/usr/lib/postgresql/${PG_MAJOR:-15}/bin"
export PATH="$PG_BIN:$PATH"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

log() { printf 'docker-entrypoint: %s\n' "$*"; }
die() { printf 'docker-entrypoint: error: %s\n' "$*" >&2; exit 1; }

setup_env() {
    POSTGRES_USER="${POSTGRES_USER:-postgres}"
    POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
    POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
    POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
    export POSTGRES_USER POSTGRES_DB POSTGRES_PASSWORD POSTGRES_HOST_AUTH_METHOD
    DATABASE_ALREADY_EXISTS=
    if [[ -s "$PGDATA/PG_VERSION" ]]; then
        DATABASE_ALREADY_EXISTS=true
    fi
}

# As root: make the directories and hand them to the postgres user.
create_dirs() {
    mkdir -p "$PGDATA" /var/run/postgresql
    chmod 3777 /var/run/postgresql
    if [[ "$(id -u)" == 0 ]]; then
        find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
        chown postgres:postgres /var/run/postgresql
    fi
    chmod 700 "$PGDATA" 2>/dev/null || true
}

verify_auth_settings() {
    if [[ -z "$POSTGRES_PASSWORD" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
        die "POSTGRES_PASSWORD is empty: set it, or set POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password"
    fi
    case "$POSTGRES_HOST_AUTH_METHOD" in
        trust | scram-sha-256 | md5 | password | reject) ;;
        *) die "unsupported POSTGRES_HOST_AUTH_METHOD '$POSTGRES_HOST_AUTH_METHOD'" ;;
    esac
}

init_database_dir() {
    local initdb_args=(--username="$POSTGRES_USER" --encoding=UTF8 --locale=C.UTF-8)
    local pwfile=
    if [[ -n "$POSTGRES_PASSWORD" ]]; then
        pwfile="$(mktemp)"
        printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
        initdb_args+=(--pwfile="$pwfile")
    fi
    local extra=()
    if [[ -n "${POSTGRES_INITDB_ARGS:-}" ]]; then
        read -r -a extra <<<"$POSTGRES_INITDB_ARGS"
    fi
    initdb "${initdb_args[@]}" "${extra[@]}"
    if [[ -n "$pwfile" ]]; then
        rm -f "$pwfile"
    fi

    {
        printf '\n# Added by docker-entrypoint.sh\n'
        printf "listen_addresses = '*'\n"
        # The image has no LLVM (to stay small), so no JIT either.
        printf 'jit = off\n'
    } >>"$PGDATA/postgresql.conf"

    {
        printf '\n# Added by docker-entrypoint.sh\n'
        if [[ "$POSTGRES_HOST_AUTH_METHOD" == trust ]]; then
            printf '# warning: trust is enabled for all connections\n'
        fi
        printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
    } >>"$PGDATA/pg_hba.conf"
}

# A server on the unix socket only; its log goes to this process's stdout.
temp_server_start() {
    local options="-c listen_addresses='' -p ${PGPORT:-5432}"
    if (($# > 0)); then
        options+=" $(printf '%q ' "$@")"
    fi
    PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "$options" -w start
}

temp_server_stop() {
    PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
}

psql_run() {
    PGHOST=/var/run/postgresql PGPASSWORD="$POSTGRES_PASSWORD" \
        psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

setup_db() {
    if [[ "$POSTGRES_DB" != postgres ]]; then
        local exists
        exists="$(psql_run --dbname postgres --set db="$POSTGRES_DB" --tuples-only --no-align \
            <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
        if [[ -z "$exists" ]]; then
            log "creating database $POSTGRES_DB"
            psql_run --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
        fi
    fi
}

run_init_files() {
    local f
    shopt -s nullglob
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sh)
                if [[ -x "$f" ]]; then
                    log "running $f"
                    "$f"
                else
                    log "sourcing $f"
                    # shellcheck disable=SC1090
                    . "$f"
                fi
                ;;
            *.sql)
                log "running $f"
                psql_run --dbname "$POSTGRES_DB" -f "$f"
                ;;
            *.sql.gz)
                log "running $f"
                gunzip -c "$f" | psql_run --dbname "$POSTGRES_DB"
                ;;
            *) log "ignoring $f" ;;
        esac
    done
    shopt -u nullglob
}

main() {
    # A first argument that looks like an option means: run the server with these options.
    if [[ "${1:-}" == -* ]]; then
        set -- postgres "$@"
    fi
    if [[ "${1:-}" != postgres ]]; then
        exec "$@"
    fi
    shift

    setup_env
    if [[ "$(id -u)" == 0 ]]; then
        create_dirs
        # Start again as the postgres user (keeping pid 1, the environment and the arguments).
        exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" postgres "$@"
    fi
    create_dirs

    if [[ -z "$DATABASE_ALREADY_EXISTS" ]]; then
        verify_auth_settings
        init_database_dir
        temp_server_start "$@"
        setup_db
        run_init_files
        temp_server_stop
        log 'PostgreSQL init process complete; ready for start up.'
    else
        log 'PostgreSQL Database directory appears to contain a database; skipping initialization'
    fi

    exec postgres "$@"
}

main "$@"
