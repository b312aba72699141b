#!/usr/bin/env bash
# `make test`: every test of the workspace against a real Postgres, then a check of the OpenAPI document, then the
# whole API fuzzed from that document (scripts/fuzz-api.sh), then the domain crate packaged and built on its own
# as crates.io would (it must not lean on a dependency feature another workspace crate turns on).
#
# The server: $TEST_DATABASE_URL if set; else the local one (DATABASE_URL's server, default 127.0.0.1:5432) if it
# answers; else a private cluster under target/pgdata; else (no server binaries) testcontainers starts one.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  local_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orderflow}"
  if resolved="$(scripts/dev-postgres.sh "$local_url" 2>/dev/null)"; then
    export TEST_DATABASE_URL="${resolved%/*}/postgres"
  else
    echo "No local Postgres server: the tests will start one with testcontainers (needs Docker)."
  fi
fi
eval "$(scripts/test-peers.sh)"
server="${TEST_DATABASE_URL:-testcontainers}"
echo "Test database server: $server"

scripts/cargo-test.sh "all tests (Postgres: $server)" --workspace --exclude orderflow-benches
scripts/check-openapi.sh
scripts/fuzz-api.sh
echo "== the domain crate as published: cargo package -p orderflow-domain =="
cargo package -p orderflow-domain --allow-dirty --quiet
