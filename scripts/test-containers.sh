#!/usr/bin/env bash
# `make test-containers`: the integration suites with Postgres started by testcontainers (no TEST_DATABASE_URL).
# Needs a Docker daemon and an image the Postgres module can use: scripts/offline-postgres-image.sh builds one
# without a registry.
set -euo pipefail
cd "$(dirname "$0")/.."
unset TEST_DATABASE_URL
eval "$(scripts/test-peers.sh)"

cleanup() {
  # Each test process leaves its container running until it exits; remove them all.
  ids="$(docker ps -aq --filter label=orderflow-test 2>/dev/null || true)"
  [ -n "$ids" ] && docker rm -f $ids >/dev/null
  return 0
}
trap cleanup EXIT

scripts/cargo-test.sh "integration tests (testcontainers)" --workspace --exclude orderflow-benches --test '*'
