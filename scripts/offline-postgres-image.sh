#!/usr/bin/env bash
# Builds, without pulling from any image registry, a Postgres 15 image that testcontainers-modules' Postgres
# module (0.15) can start, and tags it as the image that module asks for.
#
#   scripts/offline-postgres-image.sh [--force]
#
# The module asks for postgres:11-alpine; no registry is reachable here, so this script makes a Debian bookworm
# root file system with debootstrap (from the Debian mirror apt already uses), installs postgresql-15 into it,
# adds an entrypoint that behaves like the official image's (scripts/offline-postgres/docker-entrypoint.sh),
# imports it with `docker import`, and tags it:
#   orderflow/postgres:15-offline   (its real name)
#   postgres:11-alpine              (the name and tag the module requests; it is really Postgres 15 on Debian)
#
# Idempotent: when postgres:11-alpine already exists it says so and exits 0; --force rebuilds it.
# Needs root. Installs debootstrap and docker.io with apt-get when missing, and starts Docker through
# scripts/ensure-docker.sh. Environment: DEBIAN_MIRROR overrides the mirror; KEEP_ROOTFS=1 keeps the temp dir.
set -euo pipefail

readonly TC_IMAGE=postgres:11-alpine
readonly OWN_IMAGE=orderflow/postgres:15-offline
readonly SUITE=bookworm
readonly PG_MAJOR=15
readonly FALLBACK_MIRROR=http://deb.debian.org/debian
readonly PURGED_PACKAGES=(locales-all locales libc-l10n libllvm14 libz3-4 perl libperl5.36 perl-modules-5.36)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
ROOTFS_PARENT=

log() { printf '[offline-postgres-image] %s\n' "$*"; }
die() { printf '[offline-postgres-image] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

cleanup() {
    local status=$?
    if [[ -n "$ROOTFS_PARENT" && -d "$ROOTFS_PARENT" ]]; then
        # debootstrap mounts proc/sys inside the target; never delete through a mount point.
        local mounts
        mounts="$(awk -v dir="$ROOTFS_PARENT/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r)"
        if [[ -n "$mounts" ]]; then
            while IFS= read -r mount_point; do
                umount -l "$mount_point" 2>/dev/null || true
            done <<<"$mounts"
        fi
        if [[ "${KEEP_ROOTFS:-0}" == 1 ]]; then
            log "keeping $ROOTFS_PARENT (KEEP_ROOTFS=1)"
        else
            rm -rf --one-file-system "$ROOTFS_PARENT"
        fi
    fi
    exit "$status"
}

# The first Debian mirror with the bookworm main component that apt's sources name (one-line or deb822 format).
apt_debian_mirror() {
    local files=()
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    local f
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] && files+=("$f")
    done
    ((${#files[@]} > 0)) || return 0
    awk -v suite="$SUITE" '
        function has(list, word,   n, i, parts) {
            n = split(list, parts, /[ \t]+/)
            for (i = 1; i <= n; i++) if (parts[i] == word) return 1
            return 0
        }
        function emit(uri) { if (!done) print uri; done = 1 }
        # End of a deb822 stanza (blank line, next file, end of input).
        function flush(   n, i, u) {
            if (types != "" && has(types, "deb") && has(suites, suite) && has(comps, "main") && enabled != "no") {
                n = split(uris, u, /[ \t]+/)
                for (i = 1; i <= n; i++) if (u[i] != "") { emit(u[i]); break }
            }
            types = ""; uris = ""; suites = ""; comps = ""; enabled = ""
        }
        done { exit }
        FNR == 1 { flush() }
        FILENAME ~ /[.]sources$/ {
            if ($0 ~ /^[ \t]*$/) { flush(); next }
            if ($0 ~ /^[ \t]*#/) next
            key = tolower($1); value = $0; sub(/^[^:]*:[ \t]*/, "", value)
            if (key == "types:") types = value
            else if (key == "uris:") uris = value
            else if (key == "suites:") suites = value
            else if (key == "components:") comps = value
            else if (key == "enabled:") enabled = tolower(value)
            next
        }
        $1 == "deb" {
            line = $0; sub(/\[[^]]*\][ \t]*/, "", line)
            n = split(line, w, /[ \t]+/)
            start = (w[1] == "") ? 2 : 1
            if (w[start + 2] == suite) {
                for (i = start + 3; i <= n; i++) if (w[i] == "main") { emit(w[start + 1]); break }
            }
        }
        END { flush() }
    ' "${files[@]}" | sed 's:/*$::' | head -n 1
}

choose_mirror() {
    local mirror="${DEBIAN_MIRROR:-}"
    if [[ -n "$mirror" ]]; then
        log "using the mirror from DEBIAN_MIRROR: $mirror" >&2
    else
        mirror="$(apt_debian_mirror || true)"
        if [[ -n "$mirror" ]]; then
            log "using the Debian mirror apt uses here: $mirror" >&2
        else
            mirror="$FALLBACK_MIRROR"
            log "no Debian $SUITE mirror found in apt's sources; using $mirror" >&2
        fi
    fi
    if command -v curl >/dev/null 2>&1 \
        && ! curl -fsS --max-time 20 -o /dev/null "$mirror/dists/$SUITE/Release"; then
        if [[ "$mirror" != "$FALLBACK_MIRROR" ]]; then
            log "$mirror does not answer for $SUITE; falling back to $FALLBACK_MIRROR" >&2
            mirror="$FALLBACK_MIRROR"
        else
            die "the Debian mirror $mirror does not answer for $SUITE"
        fi
    fi
    printf '%s\n' "$mirror"
}

ensure_debootstrap() {
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -q --no-install-recommends debootstrap; then
            apt-get update -q
            apt-get install -y -q --no-install-recommends debootstrap
        fi
    fi
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is still missing after apt-get"
}

# Runs a command inside the root file system (with /proc, which dpkg's maintainer scripts may want).
in_rootfs() {
    local rootfs=$1
    shift
    mount -t proc proc "$rootfs/proc"
    local status=0
    LC_ALL=C DEBIAN_FRONTEND=noninteractive chroot "$rootfs" "$@" || status=$?
    umount "$rootfs/proc"
    return "$status"
}

build_rootfs() {
    local rootfs=$1 mirror=$2
    log "step 3/6: debootstrap --variant=minbase $SUITE with postgresql-$PG_MAJOR into $rootfs (takes a few minutes)"
    debootstrap --variant=minbase --include="postgresql-$PG_MAJOR" "$SUITE" "$rootfs" "$mirror" \
        >"$ROOTFS_PARENT/debootstrap.out" 2>&1 || {
        tail -n 40 "$ROOTFS_PARENT/debootstrap.out" >&2
        tail -n 40 "$rootfs/debootstrap/debootstrap.log" >&2 2>/dev/null || true
        die "debootstrap failed"
    }
    log "debootstrap done: $(du -sh --one-file-system "$rootfs" | cut -f1)"

    log "step 4/6: trimming the root file system"
    # The Debian package's own cluster (created by postgresql-common) is not used: the entrypoint runs initdb.
    rm -rf "$rootfs/var/lib/postgresql/$PG_MAJOR" "$rootfs/etc/postgresql/$PG_MAJOR"
    # Heavy hard dependencies that a test server does not need: all locales (C.UTF-8 is built into glibc),
    # LLVM and Z3 (only the optional JIT uses them; the entrypoint sets jit = off), and Perl (only the
    # postgresql-common wrappers and cluster tools use it; the entrypoint calls the binaries directly).
    in_rootfs "$rootfs" dpkg --purge --force-depends "${PURGED_PACKAGES[@]}" >/dev/null 2>&1 \
        || die "could not remove ${PURGED_PACKAGES[*]} from the root file system"
    rm -f "$rootfs/usr/lib/postgresql/$PG_MAJOR/lib/llvmjit"*.so
    rm -rf "$rootfs/usr/lib/postgresql/$PG_MAJOR/lib/bitcode"
    # Caches, package lists, documentation, translations.
    in_rootfs "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian "$rootfs"/var/log/*.log \
        "$rootfs"/var/log/apt/* "$rootfs"/debootstrap "$rootfs"/tmp/* "$rootfs"/var/tmp/*
    # /usr/bin/psql, pg_dump, ... point to postgresql-common's Perl wrapper: point them to the binaries.
    local link tool
    for link in "$rootfs"/usr/bin/*; do
        [[ -L "$link" && "$(readlink "$link")" == */pg_wrapper ]] || continue
        tool="$(basename "$link")"
        if [[ -x "$rootfs/usr/lib/postgresql/$PG_MAJOR/bin/$tool" ]]; then
            ln -sfn "../lib/postgresql/$PG_MAJOR/bin/$tool" "$link"
        else
            rm -f "$link"
        fi
    done
    # Docker provides these at run time; do not ship the build machine's.
    : >"$rootfs/etc/resolv.conf"
    : >"$rootfs/etc/hostname"

    log "step 5/6: adding the entrypoint and the data directories"
    install -m 0755 "$SCRIPT_DIR/offline-postgres/docker-entrypoint.sh" \
        "$rootfs/usr/local/bin/docker-entrypoint.sh"
    mkdir -p "$rootfs/docker-entrypoint-initdb.d" "$rootfs/var/lib/postgresql/data" "$rootfs/var/run/postgresql"
    in_rootfs "$rootfs" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
    chmod 3777 "$rootfs/var/run/postgresql"
    chmod 0700 "$rootfs/var/lib/postgresql/data"
    local version
    version="$(in_rootfs "$rootfs" "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" --version)" \
        || die "the postgres binary in the root file system does not run"
    log "inside: $version"
    log "root file system ready: $(du -sh --one-file-system "$rootfs" | cut -f1)"
}

import_image() {
    local rootfs=$1
    log "step 6/6: docker import as $OWN_IMAGE, tagged $TC_IMAGE"
    local changes=(
        --change "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        --change "ENV PG_MAJOR=$PG_MAJOR"
        --change "ENV PGDATA=/var/lib/postgresql/data"
        --change "ENV LANG=C.UTF-8"
        --change "EXPOSE 5432"
        --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]'
        --change 'CMD ["postgres"]'
        --change "LABEL org.opencontainers.image.description=\"PostgreSQL $PG_MAJOR on Debian $SUITE, built offline by scripts/offline-postgres-image.sh\""
    )
    # Everything but what Docker mounts itself (/dev, /proc, /sys are left empty).
    tar --numeric-owner -C "$rootfs" \
        --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
        | docker import "${changes[@]}" - "$OWN_IMAGE" >/dev/null
    docker tag "$OWN_IMAGE" "$TC_IMAGE"
}

main() {
    local force=0
    while (($# > 0)); do
        case "$1" in
            --force) force=1 ;;
            -h | --help) usage; return 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
        shift
    done
    [[ "$(id -u)" -eq 0 ]] || die "run as root (debootstrap, chroot and docker need it)"

    log "step 1/6: making sure Docker is up"
    bash "$SCRIPT_DIR/ensure-docker.sh"

    local previous_id=
    if previous_id="$(docker image inspect --format '{{.Id}}' "$TC_IMAGE" 2>/dev/null)"; then
        if ((force == 0)); then
            log "the image $TC_IMAGE already exists ($previous_id); nothing to do (use --force to rebuild)"
            return 0
        fi
        log "the image $TC_IMAGE exists ($previous_id); rebuilding it (--force)"
    else
        previous_id=
    fi

    local started=$SECONDS
    log "step 2/6: preparing (debootstrap, mirror)"
    ensure_debootstrap
    local mirror
    mirror="$(choose_mirror)"
    trap cleanup EXIT
    ROOTFS_PARENT="$(mktemp -d /var/tmp/offline-postgres.XXXXXX)"
    local rootfs="$ROOTFS_PARENT/rootfs"
    mkdir -p "$rootfs"

    build_rootfs "$rootfs" "$mirror"
    import_image "$rootfs"

    local image_id size
    image_id="$(docker image inspect --format '{{.Id}}' "$OWN_IMAGE")"
    size="$(docker image inspect --format '{{.Size}}' "$OWN_IMAGE")"
    if [[ -n "$previous_id" && "$previous_id" != "$image_id" ]]; then
        if docker image rm "$previous_id" >/dev/null 2>&1; then
            log "removed the previous image $previous_id"
        else
            log "kept the previous image $previous_id (still in use)"
        fi
    fi
    log "done in $((SECONDS - started))s: $OWN_IMAGE and $TC_IMAGE = $image_id ($((size / 1024 / 1024)) MiB)"
}

main "$@"
