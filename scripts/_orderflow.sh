# Sourced by the scripts here: runs the `orderflow` binary, preferring (in order) $ORDERFLOW_BIN, an `orderflow`
# binary on PATH, and `cargo run` from the repository. (`type -P` looks for files only: `command -v` would find
# this very function and call it as if it were the binary.)
orderflow() {
  local on_path
  if [ -n "${ORDERFLOW_BIN:-}" ]; then
    "$ORDERFLOW_BIN" "$@"
  elif on_path="$(type -P orderflow)"; then
    "$on_path" "$@"
  else
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && cargo run --quiet --bin orderflow -- "$@")
  fi
}
