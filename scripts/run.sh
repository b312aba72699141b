#!/usr/bin/env bash
# `make run`: build, make sure a database exists and is migrated, and serve on HOST:PORT (default 127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f .env ]; then
  set -a; source .env; set +a
fi
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orderflow}"

echo "Building orderflow..."
cargo build --quiet --bin orderflow
bin="${CARGO_TARGET_DIR:-target}/debug/orderflow"

resolved="$(scripts/dev-postgres.sh "$DATABASE_URL")"
if [ "$resolved" != "$DATABASE_URL" ]; then
  echo "Using the private Postgres cluster: DATABASE_URL=$resolved"
  export DATABASE_URL="$resolved"
fi

"$bin" setup-db
"$bin" migrate
echo "Serving on http://${HOST:-127.0.0.1}:${PORT:-8000}/ (Swagger UI at /swagger/, health at /health/)."
echo "Demo data (catalogue, customers, a super admin): scripts/seed.sh (or: make seed) in another terminal."
echo "An admin of your own: scripts/create_admin.sh --email ... --password ... --first-name ... --last-name ... --role super_admin"
exec "$bin" serve
