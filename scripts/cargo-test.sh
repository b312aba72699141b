#!/usr/bin/env bash
# Runs `cargo test` with the given arguments and ends with one line summing up every test binary:
#   == <label>: N passed, N failed, N ignored (B test binaries) ==
set -uo pipefail
label="$1"; shift
log="$(mktemp)"
cargo test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
awk -v label="$label" '
  /^test result:/ {
    binaries++
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^passed;?$/) passed += $(i-1)
      if ($i ~ /^failed;?$/) failed += $(i-1)
      if ($i ~ /^ignored;?$/) ignored += $(i-1)
    }
  }
  END { printf "== %s: %d passed, %d failed, %d ignored (%d test binaries) ==\n", label, passed, failed, ignored, binaries }
' "$log"
rm -f "$log"
exit "$status"
