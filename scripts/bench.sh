#!/usr/bin/env bash
# `make bench`: the benchmarks (release build) against a real Postgres: BENCH_DATABASE_URL, or the local server,
# or a private cluster under target/pgdata. The generated data stays in its own database between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  resolved="$(scripts/dev-postgres.sh "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orderflow}")"
  export BENCH_DATABASE_URL="${resolved%/*}/postgres"
fi
echo "Benchmark database server: $BENCH_DATABASE_URL"
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cargo bench -p orderflow-benches "$@"
