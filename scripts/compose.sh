#!/usr/bin/env bash
# Runs Docker Compose on the repository's compose.yaml with the images this machine can have:
#
#   scripts/compose.sh up -d
#   scripts/compose.sh ps
#   scripts/compose.sh run --rm -T migrate create-admin --email ... --password ... --first-name ... --last-name ...
#   scripts/compose.sh down -v
#
# - Compose: the `docker compose` plugin when the Docker CLI has it, else Debian's `docker-compose` (v1, Python),
#   installed with apt-get when neither is there (Debian bookworm has no compose plugin).
# - Images: no registry is reachable here, so POSTGRES_IMAGE and HAPROXY_IMAGE default to the stand-ins of
#   scripts/offline-postgres-image.sh and scripts/offline-base-images.sh, built first when missing; set
#   COMPOSE_OFFLINE_IMAGES=0 (or the variables themselves) to use compose.yaml's defaults from Docker Hub.
#   ORDERFLOW_IMAGE (default orderflow:latest) is not built here: `make image`.
# Other compose.yaml variables (LB_PORT, POSTGRES_PASSWORD, ...) and COMPOSE_PROJECT_NAME pass through.
# Sourced (by scripts/compose-check.sh) it only defines the functions. Needs Docker (scripts/ensure-docker.sh).
set -euo pipefail

COMPOSE_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly COMPOSE_SCRIPT_DIR
COMPOSE_CMD=()

compose_log() { printf '[compose] %s\n' "$*" >&2; }
compose_die() { printf '[compose] ERROR: %s\n' "$*" >&2; exit 1; }

# Sets COMPOSE_CMD to the plugin or to Debian's docker-compose, installing the latter when neither is there.
ensure_compose() {
    ((${#COMPOSE_CMD[@]} == 0)) || return 0
    if docker compose version >/dev/null 2>&1; then
        COMPOSE_CMD=(docker compose)
        return 0
    fi
    if ! command -v docker-compose >/dev/null 2>&1; then
        [[ "$(id -u)" -eq 0 ]] || compose_die "neither \`docker compose\` nor docker-compose is installed (needs root)"
        compose_log "installing Debian's docker-compose with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -q --no-install-recommends docker-compose >/dev/null; then
            apt-get update -q >/dev/null
            apt-get install -y -q --no-install-recommends docker-compose >/dev/null
        fi
    fi
    command -v docker-compose >/dev/null 2>&1 || compose_die "docker-compose is still missing after apt-get"
    COMPOSE_CMD=(docker-compose)
}

# Exports POSTGRES_IMAGE and HAPROXY_IMAGE (when unset) as the offline stand-ins, building those that are missing.
use_offline_images() {
    [[ "${COMPOSE_OFFLINE_IMAGES:-1}" == 1 ]] || return 0
    local line name
    while IFS= read -r line; do
        name="${line%%=*}"
        case "$name" in
            POSTGRES_IMAGE | HAPROXY_IMAGE)
                if [[ -z "${!name:-}" ]]; then
                    export "${line?}"
                fi
                ;;
        esac
    done < <(bash "$COMPOSE_SCRIPT_DIR/offline-base-images.sh" --print)
    if [[ "$POSTGRES_IMAGE" == orderflow/postgres:15-offline ]]; then
        bash "$COMPOSE_SCRIPT_DIR/offline-postgres-image.sh" >&2
    fi
    if [[ "$HAPROXY_IMAGE" == orderflow/haproxy:* ]]; then
        bash "$COMPOSE_SCRIPT_DIR/offline-base-images.sh" haproxy >&2
    fi
}

# Compose on the repository's compose.yaml.
compose() {
    "${COMPOSE_CMD[@]}" --file "$COMPOSE_SCRIPT_DIR/../compose.yaml" "$@"
}

compose_main() {
    bash "$COMPOSE_SCRIPT_DIR/ensure-docker.sh" >&2
    ensure_compose
    use_offline_images
    compose "$@"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    compose_main "$@"
fi
