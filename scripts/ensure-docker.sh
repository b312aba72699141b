#!/usr/bin/env bash
# Makes sure a Docker daemon answers, for the docker CLI and for testcontainers.
#
# - installs Debian's docker.io (dockerd, containerd, runc) with apt-get when dockerd is missing;
# - when no daemon answers `docker info`, starts dockerd in the background (log: /var/log/dockerd.log)
#   on the default socket /var/run/docker.sock;
# - waits until it answers (DOCKER_WAIT_SECONDS, default 60) and fails with the log's tail otherwise.
#
# Safe to re-run: it does nothing when a daemon already answers. Needs root to install or start anything.
# Used by scripts/offline-postgres-image.sh and by CI.
set -euo pipefail

readonly DOCKERD_LOG=/var/log/dockerd.log
readonly DOCKERD_PIDFILE=/var/run/docker.pid
readonly WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"

log() { printf '[ensure-docker] %s\n' "$*"; }
die() { printf '[ensure-docker] ERROR: %s\n' "$*" >&2; exit 1; }

daemon_answers() { docker info >/dev/null 2>&1; }

server_version() { docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo '?'; }

show_log_tail() {
    printf '[ensure-docker] last lines of %s:\n' "$DOCKERD_LOG" >&2
    tail -n 30 "$DOCKERD_LOG" >&2 2>/dev/null || true
}

install_dockerd() {
    log "installing docker.io with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    local packages=(docker.io iptables)
    if ! apt-get install -y -q --no-install-recommends "${packages[@]}"; then
        log "apt-get install failed; refreshing the package lists and trying again"
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${packages[@]}"
    fi
}

# The pid in dockerd's pid file when that process is a live dockerd, or nothing.
running_dockerd_pid() {
    local pid
    [[ -r "$DOCKERD_PIDFILE" ]] || return 0
    pid="$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
        && [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == dockerd ]]; then
        printf '%s\n' "$pid"
    fi
}

main() {
    if command -v docker >/dev/null 2>&1 && daemon_answers; then
        log "a Docker daemon already answers: $(server_version)"
        return 0
    fi
    if [[ -n "${DOCKER_HOST:-}" && "$DOCKER_HOST" != unix:///var/run/docker.sock ]]; then
        die "DOCKER_HOST=$DOCKER_HOST is set but no daemon answers there; unset it to use a local daemon"
    fi
    [[ "$(id -u)" -eq 0 ]] || die "no Docker daemon answers and starting one needs root"

    command -v dockerd >/dev/null 2>&1 || install_dockerd
    # docker.io brings a client too, but another one may come first on PATH (e.g. /usr/local/bin/docker).
    command -v dockerd >/dev/null 2>&1 || die "dockerd is still missing after installing docker.io"
    command -v docker >/dev/null 2>&1 || die "the docker client is still missing after installing docker.io"

    local pid
    pid="$(running_dockerd_pid)"
    if [[ -n "$pid" ]]; then
        log "dockerd is already running (pid $pid) but does not answer yet; waiting for it"
    else
        if [[ -e "$DOCKERD_PIDFILE" ]]; then
            log "removing the stale pid file $DOCKERD_PIDFILE"
            rm -f "$DOCKERD_PIDFILE"
        fi
        log "starting dockerd in the background (log: $DOCKERD_LOG)"
        mkdir -p "$(dirname "$DOCKERD_LOG")"
        # setsid + nohup: the daemon outlives this script and the shell that ran it.
        setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
        pid=$!
        log "dockerd started (pid $pid)"
    fi

    local waited=0
    until daemon_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log_tail
            die "dockerd (pid $pid) exited"
        fi
        if ((waited >= WAIT_SECONDS)); then
            show_log_tail
            die "the Docker daemon did not answer within ${WAIT_SECONDS}s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "the Docker daemon answers after ${waited}s: $(server_version)"
}

main "$@"
