#!/usr/bin/env bash
# Builds the OrderFlow image from the Dockerfile at the repository's root.
#
#   scripts/build-image.sh [--official-bases] [-- DOCKER_BUILD_ARGS...]
#
# By default the bases are the offline stand-ins of scripts/offline-base-images.sh (built first if missing: no
# image registry is reachable here, nor in CI); --official-bases builds on the Dockerfile's defaults
# (rust:1.95-slim-bookworm, debian:bookworm-slim) from Docker Hub instead. RUST_IMAGE and RUNTIME_IMAGE in the
# environment override either choice.
#
# Tags the image ORDERFLOW_IMAGE (default orderflow:latest); GIT_COMMIT is `git rev-parse --short=12 HEAD` (or
# ORDERFLOW_GIT_COMMIT when set), for `orderflow --version` and the image's revision label. Certificates added to
# this machine's trust store (/usr/local/share/ca-certificates/*.crt, e.g. a TLS-inspecting proxy's) are passed to
# the build stages (EXTRA_CA_CERTS) so that cargo reaches crates.io as it does here; they are not in the final
# image.
#
# Build cache: never --no-cache, the dependency layer is what makes the next build fast. The builder stage is
# tagged too (orderflow/build-cache:builder), which keeps its layers from being pruned; then the superseded
# layers of earlier builds (dangling images labelled org.orderflow.build, several hundred MB each) are pruned, so
# that builds on a long-lived machine (CI's) do not fill its disk. Nothing else is pruned.
# Needs Docker (started through scripts/ensure-docker.sh).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
readonly ROOT
readonly EXTRA_CA_DIR=/usr/local/share/ca-certificates
readonly BUILDER_CACHE=orderflow/build-cache:builder

log() { printf '[build-image] %s\n' "$*"; }
die() { printf '[build-image] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# The PEM certificates this machine trusts besides Debian's, concatenated (nothing when there are none).
extra_ca_certs() {
    local file
    shopt -s nullglob
    for file in "$EXTRA_CA_DIR"/*.crt "$EXTRA_CA_DIR"/*/*.crt; do
        cat "$file"
        printf '\n'
    done
    shopt -u nullglob
}

main() {
    local official=0 extra=()
    while (($# > 0)); do
        case "$1" in
            --official-bases) official=1 ;;
            --) shift; extra=("$@"); break ;;
            -h | --help) usage; return 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
        shift
    done

    bash "$SCRIPT_DIR/ensure-docker.sh"

    local build_args=()
    if ((official == 0)); then
        bash "$SCRIPT_DIR/offline-base-images.sh" runtime rust
        local line name
        while IFS= read -r line; do
            name="${line%%=*}"
            case "$name" in
                RUST_IMAGE | RUNTIME_IMAGE)
                    # An explicit choice in the environment wins.
                    [[ -n "${!name:-}" ]] || build_args+=(--build-arg "$line")
                    ;;
            esac
        done < <(bash "$SCRIPT_DIR/offline-base-images.sh" --print)
    fi
    [[ -z "${RUST_IMAGE:-}" ]] || build_args+=(--build-arg "RUST_IMAGE=$RUST_IMAGE")
    [[ -z "${RUNTIME_IMAGE:-}" ]] || build_args+=(--build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE")

    local commit="${ORDERFLOW_GIT_COMMIT:-}"
    if [[ -z "$commit" ]]; then
        commit="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    fi
    build_args+=(--build-arg "GIT_COMMIT=$commit")

    local certs
    certs="$(extra_ca_certs)"
    if [[ -n "$certs" ]]; then
        log "passing the certificates of $EXTRA_CA_DIR to the build stages"
        build_args+=(--build-arg "EXTRA_CA_CERTS=$certs")
    fi

    local image="${ORDERFLOW_IMAGE:-orderflow:latest}"

    local shown=()
    local arg
    for arg in "${build_args[@]}"; do
        [[ "$arg" == EXTRA_CA_CERTS=* ]] && arg='EXTRA_CA_CERTS=...'
        shown+=("$arg")
    done
    local started=$SECONDS
    log "docker build --target builder -t $BUILDER_CACHE ${shown[*]} ${extra[*]} $ROOT"
    docker build --target builder -t "$BUILDER_CACHE" "${build_args[@]}" "${extra[@]}" "$ROOT"
    log "docker build -t $image (the same arguments)"
    docker build -t "$image" "${build_args[@]}" "${extra[@]}" "$ROOT"
    local size
    size="$(docker image inspect --format '{{.Size}}' "$image")"
    log "built $image (commit $commit, $((size / 1024 / 1024)) MiB) in $((SECONDS - started))s"
    local pruned
    pruned="$(docker image prune --force --filter label=org.orderflow.build | tail -n 1)"
    log "pruned superseded build layers: ${pruned:-nothing}"
}

main "$@"
