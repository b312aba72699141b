# shellcheck shell=bash
# Sourced by the scripts that build Docker images without any image registry (scripts/offline-base-images.sh):
# helpers to make a Debian root file system with debootstrap from the Debian mirror apt already uses, to run
# commands inside it, and to import it as an image. The sourcing script defines log() and die() and sets SUITE.
# (scripts/offline-postgres-image.sh has its own copy of the mirror helpers.)

readonly OFFLINE_FALLBACK_MIRROR=http://deb.debian.org/debian

# The first Debian mirror with the $SUITE main component that apt's sources name (one-line or deb822 format).
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

# DEBIAN_MIRROR, else apt's mirror, else deb.debian.org; checked to answer for $SUITE. Prints it.
choose_mirror() {
    local mirror="${DEBIAN_MIRROR:-}"
    if [[ -n "$mirror" ]]; then
        log "using the mirror from DEBIAN_MIRROR: $mirror" >&2
    else
        mirror="$(apt_debian_mirror || true)"
        if [[ -n "$mirror" ]]; then
            log "using the Debian mirror apt uses here: $mirror" >&2
        else
            mirror="$OFFLINE_FALLBACK_MIRROR"
            log "no Debian $SUITE mirror found in apt's sources; using $mirror" >&2
        fi
    fi
    if command -v curl >/dev/null 2>&1 \
        && ! curl -fsS --max-time 20 -o /dev/null "$mirror/dists/$SUITE/Release"; then
        if [[ "$mirror" != "$OFFLINE_FALLBACK_MIRROR" ]]; then
            log "$mirror does not answer for $SUITE; falling back to $OFFLINE_FALLBACK_MIRROR" >&2
            mirror="$OFFLINE_FALLBACK_MIRROR"
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

# Runs a command inside a root file system (with /proc, which dpkg's maintainer scripts may want).
in_rootfs() {
    local rootfs=$1
    shift
    mount -t proc proc "$rootfs/proc"
    local status=0
    LC_ALL=C DEBIAN_FRONTEND=noninteractive chroot "$rootfs" "$@" || status=$?
    umount "$rootfs/proc"
    return "$status"
}

# Unmounts (lazily) whatever is mounted under a directory, deepest first: never delete through a mount point.
umount_under() {
    local dir=$1 mounts mount_point
    mounts="$(awk -v dir="$dir/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r)"
    [[ -n "$mounts" ]] || return 0
    while IFS= read -r mount_point; do
        umount -l "$mount_point" 2>/dev/null || true
    done <<<"$mounts"
}

# Runs an apt-get command inside a root file system with the host's resolv.conf, its output in a log file that is
# shown (its tail) only when it fails.
rootfs_apt() {
    local rootfs=$1
    shift
    local out="$rootfs.apt.log"
    cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
    local status=0
    in_rootfs "$rootfs" apt-get -q -y -o Dpkg::Use-Pty=0 "$@" >>"$out" 2>&1 || status=$?
    : >"$rootfs/etc/resolv.conf"
    if ((status != 0)); then
        tail -n 40 "$out" >&2
        die "apt-get $* failed in $rootfs"
    fi
}

# apt-get install (without recommends) inside a root file system; the package lists are fetched first (a trimmed
# root file system has none).
rootfs_apt_install() {
    local rootfs=$1
    shift
    rootfs_apt "$rootfs" update
    rootfs_apt "$rootfs" install --no-install-recommends "$@"
}

# Removes caches, package lists, documentation and translations; empties what Docker provides at run time.
trim_rootfs() {
    local rootfs=$1
    in_rootfs "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/debconf/*-old \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian "$rootfs"/var/log/*.log \
        "$rootfs"/var/log/apt/* "$rootfs"/debootstrap "$rootfs"/tmp/* "$rootfs"/var/tmp/*
    mkdir -p "$rootfs/var/lib/apt/lists/partial"
    : >"$rootfs/etc/resolv.conf"
    : >"$rootfs/etc/hostname"
}

# `docker import` of a root file system: everything but what Docker mounts itself (/dev, /proc, /sys are left
# empty). Arguments after the rootfs and the image name are passed to docker import (--change ...).
import_rootfs() {
    local rootfs=$1 image=$2
    shift 2
    tar --numeric-owner -C "$rootfs" \
        --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
        | docker import "$@" - "$image" >/dev/null
}
