#!/usr/bin/env bash
# `make loadtest`: the release build under HTTP load from wrk, on a fresh database holding a shop created through
# the API (63 categories in 3 levels, 960 products). Prints requests per second, p50, p99 and errors for each
# scenario, its ratio to the category tree's throughput in the same run, and the server's memory. Not part of
# `make test`: figures depend on the machine, the ratios much less. The tree, the yardstick, is measured again just
# before each other scenario, and each ratio is taken against that run: a shared machine's speed drifts by a third
# within minutes, which a single tree run at the start would put into the ratios of the scenarios after it.
#
# LOADTEST_SECONDS (default 15) per scenario, LOADTEST_CONNECTIONS (default 32), LOADTEST_THREADS (default 2),
# LOADTEST_SCENARIOS (default all: tree products subtree average orders; the tree always runs, as the yardstick),
# LOADTEST_EXTRA_ENV: settings for the server beyond the defaults, as NAME=value words (NOTIFY_WORKER=off, say),
# LOADTEST_BIN: an `orderflow` binary to measure instead of this checkout's release build (an older one, say).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_serve.sh

seconds="${LOADTEST_SECONDS:-15}"
connections="${LOADTEST_CONNECTIONS:-32}"
threads="${LOADTEST_THREADS:-2}"
say() { printf '%s\n' "$*" >&2; }

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing wrk (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    say "loadtest: wrk is missing: apt-get install wrk"
    exit 1
  fi
fi

resolved="$(scripts/dev-postgres.sh "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orderflow}")"
database="orderflow_loadtest_$$"
database_url="${resolved%/*}/$database"
target="${CARGO_TARGET_DIR:-target}"
bin="${LOADTEST_BIN:-}"
if [ -z "$bin" ]; then
  bin="$target/release/orderflow"
  say "building the release binary"
  cargo build --release --quiet --bin orderflow
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  psql --quiet --no-psqlrc "${resolved%/*}/postgres" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" \
    >/dev/null 2>&1 || say "loadtest: could not drop the database $database"
  rm -rf "$work"
}
trap cleanup EXIT

# Default settings but the address and the database; nothing from a .env file (the server runs in $work).
server_env=(env -i "PATH=$PATH" "HOME=$work" "DATABASE_URL=$database_url" HOST=127.0.0.1 PORT=0
  "MEDIA_ROOT=$work/media" LOG_FORMAT=json RUST_LOG=warn)
read -r -a extra_env <<<"${LOADTEST_EXTRA_ENV:-}"
server_env+=("${extra_env[@]}")
(cd "$work" && "${server_env[@]}" "$bin" setup-db && "${server_env[@]}" "$bin" migrate &&
  "${server_env[@]}" "$bin" create-admin --email loadtest-staff@example.com --password kamau-wanjiru-77 \
    --first-name Load --last-name Staff --role staff) > "$work/setup.log" 2>&1 ||
  { cat "$work/setup.log" >&2; exit 1; }
serve_in "$work" "$work/server.log" "${server_env[@]}" RUST_LOG=info "$bin" serve

memory() { awk -v field="$1:" '$1 == field {printf "%.1f MiB", $2 / 1024}' "/proc/$server_pid/status"; }
idle_memory="$(memory VmRSS)"

say "creating the shop through the API ($base)"
eval "$(python3 scripts/loadtest/catalogue.py "$base" loadtest-staff@example.com kamau-wanjiru-77)"
# The shop was created a moment ago: Postgres has no statistics on it yet. Its autovacuum analyses a table within
# a minute or so of enough changes; do now what it would have done for the tables the set-up filled, so that the
# scenarios run on the plans a live shop gets. The order tables stay as a new database has them (never analysed):
# analysed while empty, they would plan their foreign-key checks as scans of an empty table, and keep those plans
# until autovacuum analyses them again, after the run.
psql --quiet --no-psqlrc "$database_url" \
  -c "ANALYZE categories, category_price_stats, products, customers, api_tokens" >/dev/null

# One scenario: wrk's figures as "req/s p50 p99 errors".
run() {
  local output
  output="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$@")"
  printf '%s\n' "$output" > "$work/last-wrk.txt"
  local rate p50 p99 errors requests
  rate="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$output")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$output")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$output")"
  printf '%s %s %s %s\n' "$rate" "$p50" "$p99" "$errors"
}

declare -A results yardsticks
read -r -a wanted <<<"${LOADTEST_SCENARIOS:-tree products subtree average orders}"
scenarios=(tree)
for name in "${wanted[@]}"; do [ "$name" != tree ] && scenarios+=("$name"); done
say "running ${#scenarios[@]} scenarios of ${seconds} s with $connections connections, each after a run of the tree"
tree() { run "$base/api/v1/categories/tree/"; }
results[tree]="$(tree)"
for name in "${scenarios[@]}"; do
  [ "$name" = tree ] && continue
  yardsticks[$name]="$(tree)"
  case "$name" in
    products) results[$name]="$(run "$base/api/v1/products/")" ;;
    subtree) results[$name]="$(run "$base/api/v1/products/?category=$root_id&ordering=price")" ;;
    average) results[$name]="$(run "$base/api/v1/categories/average_price/?slug=$root_slug")" ;;
    orders) results[$name]="$(LOADTEST_TOKEN="$customer_token" LOADTEST_PRODUCT="$product_id" \
      run -s scripts/loadtest/place_order.lua "$base/api/v1/orders/")" ;;
    *) say "loadtest: unknown scenario $name"; exit 1 ;;
  esac
done
after_memory="$(memory VmRSS)"
peak_memory="$(memory VmHWM)"

printf '\n%-58s %10s %10s %10s %8s %10s %8s\n' "Scenario ($connections connections, $seconds s)" "req/s" "p50" "p99" "errors" \
  "tree just before" "x tree"
for name in "${scenarios[@]}"; do
  read -r rate p50 p99 errors <<<"${results[$name]}"
  case "$name" in
    tree) label="GET categories/tree/ (first run)" ;;
    products) label="GET products/ (page 1, default ordering)" ;;
    subtree) label="GET products/?category=<root>&ordering=price" ;;
    average) label="GET categories/average_price/?slug=<root>" ;;
    orders) label="POST orders/ (one line, one customer)" ;;
  esac
  yardstick="$(cut -d' ' -f1 <<<"${yardsticks[$name]:-${results[tree]}}")"
  ratio="$(awk -v a="$rate" -v b="$yardstick" 'BEGIN {printf "%.2f", a / b}')"
  printf '%-58s %10s %10s %10s %8s %10s %8s\n' "$label" "$rate" "$p50" "$p99" "$errors" "$yardstick" "$ratio"
done
tree_errors="$(for name in "${!yardsticks[@]}"; do cut -d' ' -f4 <<<"${yardsticks[$name]}"; done | awk '{n += $1} END {print n + 0}')"
printf 'Errors in the tree runs before each scenario: %s.\n' "$tree_errors"
printf '\nServer memory (VmRSS): %s idle after start, %s after the run; peak %s.\n' \
  "$idle_memory" "$after_memory" "$peak_memory"
printf 'Machine: %s cores, %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
