# Sourced by the scripts here: runs the `orderflow` binary, preferring (in order) $ORDERFLOW_BIN, an `orderflow`
# on PATH, and `cargo run` from the repository.
orderflow() {
  if [ -n "${ORDERFLOW_BIN:-}" ]; then
    "$ORDERFLOW_BIN" "$@"
  elif command -v orderflow >/dev/null 2>&1; then
    command orderflow "$@"
  else
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && cargo run --quiet --bin orderflow -- "$@")
  fi
}
