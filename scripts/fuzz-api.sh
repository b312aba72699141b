#!/usr/bin/env bash
# Fuzzes the whole API from its own OpenAPI document with schemathesis (installed by scripts/test-peers.sh).
#
# The built `orderflow` binary serves a database of its own (created on $TEST_DATABASE_URL's server, seeded, dropped
# afterwards), and schemathesis runs three times over every operation: as a customer, with no token, and as the
# super admin. Checks: no server error, every status code, content type and body as documented. Any failure fails
# the script. Examples are generated deterministically and bounded (FUZZ_MAX_EXAMPLES per operation, default 25),
# so a run reproduces and the three take about three minutes on two cores.
#
# Needs $TEST_DATABASE_URL, $ORDERFLOW_SCHEMATHESIS (eval "$(scripts/test-peers.sh)") and the debug build of
# `orderflow` (cargo build; `make test` builds it). Reports go to ${CARGO_TARGET_DIR:-target}/fuzz-api/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_serve.sh

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "== API fuzzing: skipped (no Postgres server: set TEST_DATABASE_URL) =="
  exit 0
fi
st="${ORDERFLOW_SCHEMATHESIS:?run eval \"\$(scripts/test-peers.sh)\" first}"
target="${CARGO_TARGET_DIR:-target}"
[[ "$target" = /* ]] || target="$PWD/$target"
bin="$target/debug/orderflow"
reports="$target/fuzz-api"
max_examples="${FUZZ_MAX_EXAMPLES:-25}"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

started=$SECONDS
work="$(mktemp -d)"
database="orderflow_fuzz_$$_${RANDOM}"
server_url="${TEST_DATABASE_URL%/*}"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql --quiet --no-psqlrc "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 ||
    echo "fuzz-api: could not drop the database $database" >&2
  rm -rf "$work"
}
trap cleanup EXIT

# The server's settings, and nothing from the caller's environment or a .env file (it runs in $work). Webhook URLs
# are accepted without resolving their hosts (WEBHOOK_ALLOW_PRIVATE): the generated names would otherwise be looked
# up in DNS; with no worker (NOTIFY_WORKER=off) nothing is ever sent to them.
server_env=(env -i "PATH=$PATH" "HOME=$work" "DATABASE_URL=$server_url/$database" HOST=127.0.0.1 PORT=0
  NOTIFY_WORKER=off WEBHOOK_ALLOW_PRIVATE=true WEBHOOK_ALLOW_HTTP=true "MEDIA_ROOT=$work/media" LOG_FORMAT=json
  RUST_LOG=info)
mkdir -p "$work/media" "$reports"
(cd "$work" && "${server_env[@]}" "$bin" setup-db && "${server_env[@]}" "$bin" migrate &&
  "${server_env[@]}" "$bin" seed) > "$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; exit 1; }
# The seed prints a new admin's (random) password once, on this line; the database is new, so the admin is too.
admin_password="$(sed -n 's|^super admin: admin@orderflow.com / \(.*\) (.*)$|\1|p' "$work/setup.log")"
[ -n "$admin_password" ] || { echo "fuzz-api: the seed printed no admin password" >&2; cat "$work/setup.log" >&2; exit 1; }
(cd "$work" && "${server_env[@]}" "$bin" create-admin --email fuzz-spare-admin@orderflow.test \
  --password "$admin_password" --first-name Spare --last-name Admin --role super_admin) >> "$work/setup.log" 2>&1

serve_in "$work" "$reports/server.log" "${server_env[@]}" "$bin" serve

# An API token, through POST auth/login/.
token() {
  python3 - "$base/api/v1/auth/login/" "$1" "$2" <<'EOF'
import json, sys, urllib.request
url, email, password = sys.argv[1:]
request = urllib.request.Request(url, json.dumps({"email": email, "password": password}).encode(),
                                 {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
EOF
}
admin="$(token admin@orderflow.com "$admin_password")"
spare_admin="$(token fuzz-spare-admin@orderflow.test "$admin_password")"
customer="$(token john.doe@example.com testpass123)"
spare_customer="$(token bob.wilson@example.com testpass123)"
# Second tokens of the same accounts, for logging out.
admin_logout="$(token admin@orderflow.com "$admin_password")"
customer_logout="$(token john.doe@example.com testpass123)"

# One run: $1 its name, $2 the token (or nothing). The operations that end what they are called with get tokens of
# their own, so that the rest of the run keeps its session: $3 another token of the same account (logout), $4 a
# token of another account of the same role (closing one's own account).
fuzz() {
  local name="$1" key="$2" logout="$3" spare="$4"
  local config="$work/$name.toml"
  {
    echo 'seed = 20261202'
    # One worker: Python 3.11's parser is not thread-safe ("AST constructor recursion depth mismatch").
    echo 'workers = 1'
    # Nothing carried over from an earlier run: no replayed cases, no example database.
    printf '[cache]\nenabled = false\n'
    echo '[generation]'
    echo 'deterministic = true'
    echo 'database = "none"'
    if [ -n "$key" ]; then
      printf '[headers]\nAuthorization = "Token %s"\n' "$key"
      printf '[[operations]]\ninclude-name = "POST /api/v1/auth/logout/"\n'
      printf 'headers = { Authorization = "Token %s" }\n' "$logout"
      printf '[[operations]]\ninclude-name = "DELETE /api/v1/customers/{id}/"\n'
      printf 'headers = { Authorization = "Token %s" }\n' "$spare"
    fi
    # Without an identity provider configured (as here), OpenID Connect sign-in answers the documented 503.
    printf '[[operations]]\ninclude-path-regex = "^/api/v1/auth/oidc/(login|callback|token)/$"\n'
    printf 'checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]\n'
  } > "$config"
  local status=0
  "$st" --config-file "$config" --no-color run "$base/api-docs/" --url "$base" --checks "$checks" \
    --max-examples "$max_examples" --report junit --report-junit-path "$reports/$name.xml" \
    > "$reports/$name.txt" 2>&1 || status=$?
  cat "$reports/$name.txt"
  # "2580 generated, 2580 passed" or "2579 generated, 1 found 1 unique failure"
  summary+=("$name $(awk '/^ *[0-9]+ generated,/ { cases = $1; failures = 0;
      for (i = 1; i < NF; i++) if ($(i + 1) == "unique") failures = $i }
    END { printf "%d cases, %d failed", cases, failures }' "$reports/$name.txt")")
  return "$status"
}

summary=()
failed=0
fuzz customer "$customer" "$customer_logout" "$spare_customer" || failed=1
fuzz anonymous "" "" "" || failed=1
fuzz admin "$admin" "$admin_logout" "$spare_admin" || failed=1
joined="$(printf '%s; ' "${summary[@]}")"
echo "== API fuzzing (schemathesis $("$st" --version | awk '{print $NF}'), $max_examples examples per operation, $((SECONDS - started)) s): ${joined%; } =="
exit "$failed"
