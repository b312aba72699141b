#!/usr/bin/env bash
# Builds, without pulling from any image registry, stand-ins for the official base images that the Dockerfile
# and compose.yaml name, so that CI (which cannot reach Docker Hub) builds and runs the same files:
#
#   scripts/offline-base-images.sh [--force] [runtime|rust|haproxy ...]
#   scripts/offline-base-images.sh --print        # the build arguments / compose variables, as NAME=value lines
#
#   runtime  orderflow/debian:bookworm-slim-offline        for debian:bookworm-slim (Dockerfile RUNTIME_IMAGE)
#   rust     orderflow/rust:<X.Y>-slim-bookworm-offline    for rust:<X.Y>-slim-bookworm (Dockerfile RUST_IMAGE):
#            gcc, libc6-dev and ca-certificates like the official slim image, and this machine's Rust toolchain
#            (`rustc --print sysroot`, X.Y its version) in /usr/local/rustup with cargo and rustc on PATH
#   haproxy  orderflow/haproxy:2.6-offline                 for haproxy:2.6 (compose.yaml HAPROXY_IMAGE):
#            Debian's haproxy package, run as the haproxy user, config in /usr/local/etc/haproxy/haproxy.cfg
#
# The Postgres image of compose.yaml comes from scripts/offline-postgres-image.sh (orderflow/postgres:15-offline).
#
# Like that script, it makes a Debian bookworm root file system with debootstrap --variant=minbase from the Debian
# mirror apt already uses, adds packages with apt-get inside it, and imports it with `docker import`. Apt inside the
# images points to the same mirror (plus bookworm-updates and, on deb.debian.org, bookworm-security), so a
# Dockerfile's `apt-get install` works in them as in the official images.
#
# Idempotent: an image that already exists is skipped (one debootstrap serves every missing image); --force
# rebuilds the named images (all by default). Needs root. Installs debootstrap and docker.io with apt-get when
# missing, and starts Docker through scripts/ensure-docker.sh. Environment: DEBIAN_MIRROR overrides the mirror;
# RUST_SYSROOT the toolchain to copy; KEEP_ROOTFS=1 keeps the temp dir.
set -euo pipefail

readonly SUITE=bookworm
readonly RUNTIME_IMAGE=orderflow/debian:bookworm-slim-offline
readonly HAPROXY_IMAGE=orderflow/haproxy:2.6-offline
readonly POSTGRES_IMAGE=orderflow/postgres:15-offline
# What the official rust:*-slim image adds to Debian (its wget is only there to fetch rustup).
readonly RUST_PACKAGES=(ca-certificates gcc libc6-dev)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
# shellcheck source=scripts/_offline-debian.sh
source "$SCRIPT_DIR/_offline-debian.sh"
WORK_DIR=

log() { printf '[offline-base-images] %s\n' "$*"; }
die() { printf '[offline-base-images] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

cleanup() {
    local status=$?
    if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
        umount_under "$WORK_DIR"
        if [[ "${KEEP_ROOTFS:-0}" == 1 ]]; then
            log "keeping $WORK_DIR (KEEP_ROOTFS=1)"
        else
            rm -rf --one-file-system "$WORK_DIR"
        fi
    fi
    exit "$status"
}

# The toolchain to copy: RUST_SYSROOT, else the sysroot of the rustc on PATH (or in ~/.cargo/bin). Fails (with
# no output) when there is none.
rust_sysroot() {
    if [[ -n "${RUST_SYSROOT:-}" ]]; then
        printf '%s\n' "$RUST_SYSROOT"
        return 0
    fi
    local rustc
    rustc="$(PATH="$PATH:$HOME/.cargo/bin" type -P rustc)" || return 1
    "$rustc" --print sysroot
}

# "1.95.0" for the toolchain in a sysroot.
rust_version() {
    local sysroot=$1 version
    version="$("$sysroot/bin/rustc" --version)" || return 1
    version="${version#rustc }"
    printf '%s\n' "${version%% *}"
}

# The stand-in's name, which follows the toolchain's version (1.95.0: orderflow/rust:1.95-slim-bookworm-offline).
rust_image() {
    local sysroot version
    sysroot="$(rust_sysroot)" || return 1
    version="$(rust_version "$sysroot")" || return 1
    printf 'orderflow/rust:%s-slim-bookworm-offline\n' "${version%.*}"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Apt sources like the official Debian images' (deb822), on the mirror debootstrap used.
write_apt_sources() {
    local rootfs=$1 mirror=$2
    rm -f "$rootfs/etc/apt/sources.list"
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$mirror" "$SUITE" "$SUITE"
        printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        if [[ "$mirror" == http://deb.debian.org/debian ]]; then
            printf '\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: %s-security\n' "$SUITE"
            printf 'Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        fi
    } >"$rootfs/etc/apt/sources.list.d/debian.sources"
}

# Like the official Debian images (debuerreotype's "slimify" and apt settings): dpkg leaves out documentation,
# manuals and translations of what is installed later, and apt keeps no package cache.
write_slim_config() {
    local rootfs=$1
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF_DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF_DPKG
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF_APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF_APT
    printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    printf 'APT::AutoRemove::SuggestsImportant "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
}

build_base_rootfs() {
    local rootfs=$1 mirror=$2
    log "debootstrap --variant=minbase $SUITE into $rootfs (takes a minute or two)"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$WORK_DIR/debootstrap.out" 2>&1 || {
        tail -n 40 "$WORK_DIR/debootstrap.out" >&2
        tail -n 40 "$rootfs/debootstrap/debootstrap.log" >&2 2>/dev/null || true
        die "debootstrap failed"
    }
    write_apt_sources "$rootfs" "$mirror"
    write_slim_config "$rootfs"
    # Security and point-release updates of what debootstrap installed, like a freshly published slim image.
    rootfs_apt "$rootfs" update
    rootfs_apt "$rootfs" upgrade
    trim_rootfs "$rootfs"
    log "base root file system ready: $(du -sh --one-file-system "$rootfs" | cut -f1)"
}

# A copy of the base root file system to add packages to.
variant_rootfs() {
    local base=$1 name=$2
    local rootfs="$WORK_DIR/$name"
    cp -a "$base" "$rootfs"
    printf '%s\n' "$rootfs"
}

build_runtime() {
    local base=$1
    log "runtime: importing $RUNTIME_IMAGE"
    import_rootfs "$base" "$RUNTIME_IMAGE" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' \
        --change "LABEL org.opencontainers.image.description=\"Debian $SUITE minbase, a stand-in for debian:$SUITE-slim built offline by scripts/offline-base-images.sh\""
}

build_haproxy() {
    local base=$1 rootfs
    rootfs="$(variant_rootfs "$base" haproxy)"
    log "haproxy: installing Debian's haproxy"
    rootfs_apt_install "$rootfs" haproxy
    # Where the official image reads its configuration; compose.yaml mounts scripts/compose/haproxy.cfg there.
    mkdir -p "$rootfs/usr/local/etc/haproxy"
    cp "$rootfs/etc/haproxy/haproxy.cfg" "$rootfs/usr/local/etc/haproxy/haproxy.cfg"
    trim_rootfs "$rootfs"
    local version
    version="$(in_rootfs "$rootfs" haproxy -v)" || die "haproxy does not run in the root file system"
    log "inside: ${version%%$'\n'*}"
    log "haproxy: importing $HAPROXY_IMAGE"
    import_rootfs "$rootfs" "$HAPROXY_IMAGE" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'USER haproxy' \
        --change 'WORKDIR /var/lib/haproxy' \
        --change 'CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]' \
        --change "LABEL org.opencontainers.image.description=\"HAProxy from Debian $SUITE, a stand-in for haproxy:2.6 built offline by scripts/offline-base-images.sh\""
}

build_rust() {
    local base=$1 image=$2 rootfs sysroot version
    sysroot="$(rust_sysroot)" || die "no rustc on PATH: set RUST_SYSROOT"
    version="$(rust_version "$sysroot")" || die "$sysroot/bin/rustc does not run"
    rootfs="$(variant_rootfs "$base" rust)"
    log "rust: installing ${RUST_PACKAGES[*]}"
    rootfs_apt_install "$rootfs" "${RUST_PACKAGES[@]}"
    trim_rootfs "$rootfs"
    # The official image's layout: RUSTUP_HOME=/usr/local/rustup, CARGO_HOME=/usr/local/cargo, cargo and rustc in
    # /usr/local/cargo/bin (there rustup's proxies, here links to the one toolchain). Documentation is left out.
    local toolchain="$version-x86_64-unknown-linux-gnu"
    log "rust: copying the toolchain $sysroot (rustc $version) without its documentation"
    mkdir -p "$rootfs/usr/local/rustup/toolchains/$toolchain" "$rootfs/usr/local/cargo/bin"
    tar -C "$sysroot" --exclude='./share/doc' -c . | tar -C "$rootfs/usr/local/rustup/toolchains/$toolchain" -x
    local tool
    for tool in "$rootfs/usr/local/rustup/toolchains/$toolchain/bin/"*; do
        ln -s "/usr/local/rustup/toolchains/$toolchain/bin/$(basename "$tool")" \
            "$rootfs/usr/local/cargo/bin/$(basename "$tool")"
    done
    chmod -R a+rwX "$rootfs/usr/local/cargo"
    local cargo gcc
    cargo="$(in_rootfs "$rootfs" /usr/local/cargo/bin/cargo --version)" || die "cargo does not run in the root file system"
    gcc="$(in_rootfs "$rootfs" gcc --version)" || die "gcc does not run in the root file system"
    log "inside: $cargo, ${gcc%%$'\n'*}"
    log "rust: importing $image"
    import_rootfs "$rootfs" "$image" \
        --change 'ENV RUSTUP_HOME=/usr/local/rustup' \
        --change 'ENV CARGO_HOME=/usr/local/cargo' \
        --change 'ENV PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change "ENV RUST_VERSION=$version" \
        --change 'CMD ["bash"]' \
        --change "LABEL org.opencontainers.image.description=\"Rust $version on Debian $SUITE, a stand-in for rust:${version%.*}-slim-$SUITE built offline by scripts/offline-base-images.sh\""
}

main() {
    local force=0 print=0 wanted=()
    while (($# > 0)); do
        case "$1" in
            --force) force=1 ;;
            --print) print=1 ;;
            runtime | rust | haproxy) wanted+=("$1") ;;
            -h | --help) usage; return 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
        shift
    done
    ((${#wanted[@]} > 0)) || wanted=(runtime rust haproxy)

    local rust
    # Printed empty when this machine has no Rust toolchain.
    rust="$(rust_image)" || rust=
    if ((print == 1)); then
        printf 'RUNTIME_IMAGE=%s\nRUST_IMAGE=%s\nHAPROXY_IMAGE=%s\nPOSTGRES_IMAGE=%s\n' \
            "$RUNTIME_IMAGE" "$rust" "$HAPROXY_IMAGE" "$POSTGRES_IMAGE"
        return 0
    fi
    [[ "$(id -u)" -eq 0 ]] || die "run as root (debootstrap, chroot and docker need it)"

    log "making sure Docker is up"
    bash "$SCRIPT_DIR/ensure-docker.sh"

    local todo=() name image
    for name in "${wanted[@]}"; do
        case "$name" in
            runtime) image=$RUNTIME_IMAGE ;;
            rust)
                [[ -n "$rust" ]] || die "no Rust toolchain here to copy into the builder image: set RUST_SYSROOT"
                image=$rust
                ;;
            haproxy) image=$HAPROXY_IMAGE ;;
        esac
        if image_exists "$image" && ((force == 0)); then
            log "$image already exists; skipping it (use --force to rebuild)"
        else
            todo+=("$name")
        fi
    done
    if ((${#todo[@]} == 0)); then
        log "nothing to do"
        return 0
    fi

    local started=$SECONDS
    log "building: ${todo[*]}"
    ensure_debootstrap
    local mirror
    mirror="$(choose_mirror)"
    trap cleanup EXIT
    WORK_DIR="$(mktemp -d /var/tmp/offline-base-images.XXXXXX)"
    local base="$WORK_DIR/base"
    mkdir -p "$base"
    build_base_rootfs "$base" "$mirror"

    local previous
    for name in "${todo[@]}"; do
        case "$name" in
            runtime) image=$RUNTIME_IMAGE ;;
            rust) image=$rust ;;
            haproxy) image=$HAPROXY_IMAGE ;;
        esac
        previous="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
        case "$name" in
            runtime) build_runtime "$base" ;;
            rust) build_rust "$base" "$image" ;;
            haproxy) build_haproxy "$base" ;;
        esac
        local id size
        id="$(docker image inspect --format '{{.Id}}' "$image")"
        size="$(docker image inspect --format '{{.Size}}' "$image")"
        log "$image = $id ($((size / 1024 / 1024)) MiB)"
        if [[ -n "$previous" && "$previous" != "$id" ]]; then
            if docker image rm "$previous" >/dev/null 2>&1; then
                log "removed the previous image $previous"
            else
                log "kept the previous image $previous (still in use)"
            fi
        fi
    done
    log "done in $((SECONDS - started))s"
}

main "$@"
