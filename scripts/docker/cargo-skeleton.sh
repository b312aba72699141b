#!/usr/bin/env bash
# Used by the Dockerfile (its `planner` stage): writes into OUT_DIR a copy of the Cargo workspace in the current
# directory that has the same manifests and lock file but no code, so that the image build can compile every
# dependency in a layer that changes only when a manifest or Cargo.lock does (what cargo-chef does, in a shell).
#
#   scripts/docker/cargo-skeleton.sh OUT_DIR
#
# - Cargo.toml, Cargo.lock and every member's Cargo.toml are copied as they are, except that members'
#   [[bench]], [[test]] and [[example]] sections are left out (the image builds none of them, and an explicit
#   target needs its file);
# - every lib, bin, proc-macro and build-script target (listed by `cargo metadata --no-deps`) gets a stub source
#   file that compiles; tests, benches and examples get nothing, so adding one does not touch the skeleton.
# The skeleton is checked with `cargo metadata --no-deps` (it must still be a valid workspace). Needs cargo, no
# network. The real build must then make cargo see the real sources as new (the Dockerfile touches them).
set -euo pipefail

log() { printf '[cargo-skeleton] %s\n' "$*"; }
die() { printf '[cargo-skeleton] ERROR: %s\n' "$*" >&2; exit 1; }

# A stub that compiles as a library, a binary or a build script (an unused `main` in a library is allowed).
readonly STUB='#![allow(dead_code)]
fn main() {}'

main() {
    (($# == 1)) || die "usage: $0 OUT_DIR"
    local out=$1 root metadata
    metadata="$(cargo metadata --no-deps --offline --format-version 1)" || die "cargo metadata failed"
    root="$(grep -o '"workspace_root":"[^"]*"' <<<"$metadata" | head -n 1 | cut -d'"' -f4)"
    [[ -n "$root" ]] || die "no workspace_root in cargo metadata's output"
    mkdir -p "$out"

    cp "$root/Cargo.toml" "$root/Cargo.lock" "$out/"

    # Members' manifests, without [[bench]], [[test]] and [[example]] sections (up to the next table header).
    local manifest relative count=0
    while IFS= read -r manifest; do
        relative="${manifest#"$root"/}"
        [[ "$relative" == Cargo.toml ]] && continue
        mkdir -p "$out/$(dirname "$relative")"
        awk '
            /^[ \t]*\[\[(bench|test|example)\]\][ \t]*(#.*)?$/ { skip = 1; next }
            /^[ \t]*\[/ { skip = 0 }
            !skip
        ' "$manifest" >"$out/$relative"
        count=$((count + 1))
    done < <(grep -o '"manifest_path":"[^"]*"' <<<"$metadata" | cut -d'"' -f4)

    # Targets that are built for a binary: stubs. (cargo metadata writes a target's kind, crate types, name and
    # source path in that order.)
    local target kinds path stubs=0
    while IFS= read -r target; do
        kinds="${target#'{"kind":['}"
        kinds="${kinds%%]*}"
        path="${target##*'"src_path":"'}"
        path="${path%'"'}"
        case "$kinds" in
            *'"lib"'* | *'"rlib"'* | *'"dylib"'* | *'"cdylib"'* | *'"staticlib"'* | *'"proc-macro"'* | *'"bin"'* \
                | *'"custom-build"'*) ;;
            *) continue ;;
        esac
        relative="${path#"$root"/}"
        [[ "$relative" != /* ]] || die "a target outside the workspace: $path"
        mkdir -p "$out/$(dirname "$relative")"
        printf '%s\n' "$STUB" >"$out/$relative"
        stubs=$((stubs + 1))
    done < <(grep -o '{"kind":\[[^]]*\],"crate_types":\[[^]]*\],"name":"[^"]*","src_path":"[^"]*"' <<<"$metadata")
    ((stubs > 0)) || die "found no target in cargo metadata's output"

    (cd "$out" && cargo metadata --no-deps --offline --format-version 1 >/dev/null) \
        || die "the skeleton in $out is not a valid workspace"
    log "skeleton of $count crates ($stubs stub targets) in $out"
}

main "$@"
