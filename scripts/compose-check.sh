#!/usr/bin/env bash
# CI's check of the container image and of compose.yaml, end to end, on a machine with no image registry:
#
#   scripts/compose-check.sh [--no-build]
#
#  1. Docker (scripts/ensure-docker.sh), Compose and the offline base images (scripts/compose.sh,
#     scripts/offline-base-images.sh, scripts/offline-postgres-image.sh): each skipped when already there;
#  2. the image (scripts/build-image.sh; --no-build uses ORDERFLOW_IMAGE as it is), whose `orderflow --version`
#     must name the commit it was built from;
#  3. the topology up (project orderflow-check: db, migrate, api-1, api-2, worker, lb), waiting until the load
#     balancer answers GET /health/ready/ with 200 and has both replicas in rotation, and Docker says they are
#     healthy; /metrics answered by the replicas' own listener, 404 through the balancer;
#  4. an admin made with `run --rm migrate create-admin`; a customer registered, a category and a product
#     created, orders placed, all through the load balancer, which must have sent orders to both replicas;
#  5. api-1 stopped while orders keep coming: every order must be 201 (none 5xx), api-1 must exit 0, the balancer
#     must take it out of rotation, and more orders go through api-2 alone;
#  6. the worker must deliver every order's messages (the log backends): each order has a `sent` notification and
#     none `pending` or `failed`, and the worker logged the deliveries;
#  7. everything torn down (`down -v`), also on failure (after the services' logs are shown).
# Prints the time of each step. Only 127.0.0.1 is contacted from here (the published ports of the balancer);
# the containers talk to each other on their own Docker network.
#
# Environment: LB_PORT (default 18080) and LB_STATS_PORT (18404) on 127.0.0.1; ORDERFLOW_IMAGE (orderflow:latest);
# COMPOSE_CHECK_ORDERS (orders before and after the stop, default 10); KEEP_UP=1 leaves the topology running.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
# shellcheck source=scripts/compose.sh
source "$SCRIPT_DIR/compose.sh"

export COMPOSE_PROJECT_NAME=orderflow-check
export LB_BIND=127.0.0.1
export LB_PORT="${LB_PORT:-18080}"
export LB_STATS_PORT="${LB_STATS_PORT:-18404}"
export ORDERFLOW_IMAGE="${ORDERFLOW_IMAGE:-orderflow:latest}"
export POSTGRES_PASSWORD=compose-check
readonly BASE="http://127.0.0.1:$LB_PORT"
readonly STATS="http://127.0.0.1:$LB_STATS_PORT/stats;csv"
readonly ORDERS="${COMPOSE_CHECK_ORDERS:-10}"
readonly ADMIN_EMAIL=compose-admin@example.com
readonly ADMIN_PASSWORD=compose-check-admin-77
WORK="$(mktemp -d /tmp/compose-check.XXXXXX)"
readonly WORK

STARTED=$SECONDS
STEP_STARTED=$SECONDS
STEP_NAME=
TIMINGS=()
UP=0

log() { printf '[compose-check] %s\n' "$*"; }
die() { printf '[compose-check] FAILED: %s\n' "$*" >&2; exit 1; }

step() {
    end_step
    STEP_NAME=$1
    STEP_STARTED=$SECONDS
    printf '\n[compose-check] == %s ==\n' "$STEP_NAME"
}

end_step() {
    if [[ -n "$STEP_NAME" ]]; then
        TIMINGS+=("$(printf '%5ss  %s' "$((SECONDS - STEP_STARTED))" "$STEP_NAME")")
        STEP_NAME=
    fi
}

print_timings() {
    end_step
    printf '\n[compose-check] timings:\n'
    local line
    for line in "${TIMINGS[@]}"; do
        printf '[compose-check]   %s\n' "$line"
    done
    printf '[compose-check]   %5ss  total\n' "$((SECONDS - STARTED))"
}

finish() {
    local status=$?
    set +e
    if ((UP == 1)); then
        if ((status != 0)); then
            printf '\n[compose-check] the services, and the last lines of their logs:\n' >&2
            compose ps >&2
            compose logs --no-color --tail=60 >&2
        fi
        if [[ "${KEEP_UP:-0}" == 1 ]]; then
            log "KEEP_UP=1: leaving $COMPOSE_PROJECT_NAME up; \`COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME scripts/compose.sh down -v\` removes it"
        else
            step "down -v"
            compose down -v --remove-orphans >/dev/null 2>&1 || compose down -v --remove-orphans
        fi
    fi
    print_timings
    rm -rf "$WORK"
    # Each step is a check; on failure the last one begun failed (down -v, if reached, comes after it).
    local steps=${#TIMINGS[@]}
    if ((status == 0)); then
        printf 'compose-check: %d passed, 0 failed\n' "$steps"
    else
        ((UP == 1 && ${KEEP_UP:-0} != 1)) && steps=$((steps - 1))
        printf 'compose-check: %d passed, 1 failed\n' "$((steps > 0 ? steps - 1 : 0))"
    fi
    exit "$status"
}

# An HTTP call to the load balancer: sets STATUS and BODY. api METHOD PATH [JSON] [TOKEN] [EXTRA_HEADER]
api() {
    local method=$1 path=$2 body=${3:-} token=${4:-} header=${5:-}
    local args=(-sS -o "$WORK/body" -w '%{http_code}' -X "$method" --max-time 30 -H 'Accept: application/json')
    [[ -z "$body" ]] || args+=(-H 'Content-Type: application/json' --data "$body")
    [[ -z "$token" ]] || args+=(-H "Authorization: Token $token")
    [[ -z "$header" ]] || args+=(-H "$header")
    STATUS="$(curl "${args[@]}" "$BASE$path" 2>"$WORK/curl.err" || true)"
    BODY="$(cat "$WORK/body" 2>/dev/null || true)"
    [[ -n "$STATUS" && "$STATUS" != 000 ]] || STATUS="000 ($(tr '\n' ' ' <"$WORK/curl.err"))"
}

# api, and die unless the status is the expected one.
expect() {
    local want=$1
    shift
    api "$@"
    [[ "$STATUS" == "$want" ]] || die "$1 $2: expected $want, got $STATUS: ${BODY:0:500}"
}

json() { jq -r "$1" <<<"$BODY"; }

# A column of the load balancer's statistics for a replica (or BACKEND: all of them): status (UP, DOWN,
# MAINT, ...), stot (requests), wretr (retried), wredis (redispatched), hrsp_5xx (5xx answers), ...
lb_stat() {
    local server=$1 column=$2
    curl -sS --max-time 5 "$STATS" 2>/dev/null \
        | awk -F, -v server="$server" -v column="$column" '
            NR == 1 { for (i = 1; i <= NF; i++) { name = $i; sub(/^# /, "", name); at[name] = i } next }
            $1 == "replicas" && $2 == server { print $(at[column]) }'
}

# Waits (up to $2 seconds) until a command succeeds.
wait_for() {
    local what=$1 seconds=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || die "timed out after ${seconds}s waiting for $what"
        sleep 1
    done
}

lb_ready() { api GET /health/ready/; [[ "$STATUS" == 200 ]]; }
both_up() { [[ "$(lb_stat api-1 status)" == UP && "$(lb_stat api-2 status)" == UP ]]; }
# Docker's view of both replicas (compose.yaml's health check, run inside them).
both_healthy() {
    local service
    for service in api-1 api-2; do
        [[ "$(docker inspect --format '{{.State.Health.Status}}' "$(compose ps -q "$service")")" == healthy ]] || return 1
    done
}
api1_out() { [[ "$(lb_stat api-1 status)" != UP* ]]; }

ORDER_BODY=
# Places one order as the customer; prints "<status> <order id>" into $WORK/orders.
place_order() {
    local key=$1 status id
    local args=(-sS -o "$WORK/order-$key" -w '%{http_code}' --max-time 30 -X POST
        -H 'Content-Type: application/json' -H "Authorization: Token $CUSTOMER_TOKEN"
        -H "Idempotency-Key: compose-check-$key" --data "$ORDER_BODY")
    status="$(curl "${args[@]}" "$BASE/api/v1/orders/" 2>>"$WORK/curl.err" || true)"
    [[ -n "$status" ]] || status=000
    id="$(jq -r '.id // empty' "$WORK/order-$key" 2>/dev/null || true)"
    printf '%s %s %s\n' "$status" "$key" "${id:--}" >>"$WORK/orders"
}

# Every order placed so far answered 201; lists the others otherwise.
all_created() {
    local bad
    bad="$(awk '$1 != 201' "$WORK/orders")"
    [[ -z "$bad" ]] || die "orders not created (status key id):"$'\n'"$bad"$'\n'"$(for f in "$WORK"/order-*; do head -c 300 "$f"; echo; done | sort | uniq -c | head)"
}

# The order's notifications: at least one sent, none pending or failed (suppressed: an SMS over a cap).
delivered() {
    local order=$1
    api GET "/api/v1/notifications/?order=$order&page_size=100" "" "$ADMIN_TOKEN"
    [[ "$STATUS" == 200 ]] || return 1
    [[ "$(json '[.results[] | select(.status == "sent")] | length')" -ge 1 ]] || return 1
    [[ "$(json '[.results[] | select(.status == "pending" or .status == "failed")] | length')" == 0 ]]
}

main() {
    local build=1
    while (($# > 0)); do
        case "$1" in
            --no-build) build=0 ;;
            -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; return 0 ;;
            *) die "unknown argument: $1" ;;
        esac
        shift
    done
    trap finish EXIT
    command -v jq >/dev/null 2>&1 || {
        log "installing jq with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq >/dev/null
    }

    step "docker, compose and the offline base images"
    bash "$SCRIPT_DIR/ensure-docker.sh"
    ensure_compose
    log "compose: ${COMPOSE_CMD[*]} ($("${COMPOSE_CMD[@]}" version --short 2>/dev/null || echo '?'))"
    # All the missing bases at once: one debootstrap for them all.
    bash "$SCRIPT_DIR/offline-base-images.sh"
    use_offline_images
    log "POSTGRES_IMAGE=$POSTGRES_IMAGE HAPROXY_IMAGE=$HAPROXY_IMAGE"

    if ((build == 1)); then
        step "image build"
        bash "$SCRIPT_DIR/build-image.sh"
    fi
    docker image inspect "$ORDERFLOW_IMAGE" >/dev/null 2>&1 || die "no image $ORDERFLOW_IMAGE"
    # The commit the image was built from (its label) is the one the binary reports.
    local version revision
    version="$(docker run --rm "$ORDERFLOW_IMAGE" --version)"
    revision="$(docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.revision"}}' "$ORDERFLOW_IMAGE")"
    log "$ORDERFLOW_IMAGE: $version (revision label $revision)"
    [[ "$version" == *"$revision"* ]] || die "orderflow --version does not name the commit $revision"

    step "up"
    # Leftovers of an interrupted run.
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    UP=1
    compose up -d
    log "waiting for /health/ready/ through the balancer and both replicas in rotation"
    wait_for "GET /health/ready/ = 200 through the balancer" 180 lb_ready
    wait_for "api-1 and api-2 UP at the balancer" 60 both_up
    wait_for "api-1 and api-2 healthy (their own health check)" 60 both_healthy
    # The metrics are on the replicas' own listener (METRICS_ADDR), not served to the balancer's clients.
    api GET /metrics
    [[ "$STATUS" == 404 ]] || die "GET /metrics through the balancer: expected 404, got $STATUS"
    compose exec -T api-2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9100 && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
        >"$WORK/metrics" || die "api-2 serves no metrics on its METRICS_ADDR listener"
    grep -q '^orderflow_build_info' "$WORK/metrics" || die "no orderflow_build_info in api-2's metrics: $(head -c 300 "$WORK/metrics")"
    log "metrics: 404 through the balancer, $(grep -c '^orderflow_' "$WORK/metrics") orderflow_ samples on api-2:9100"
    compose ps

    step "admin, customer, catalogue"
    compose run --rm -T --no-deps migrate create-admin --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
        --first-name Compose --last-name Check --role admin
    expect 200 POST /api/v1/auth/login/ "$(jq -nc --arg e "$ADMIN_EMAIL" --arg p "$ADMIN_PASSWORD" '{email: $e, password: $p}')"
    ADMIN_TOKEN="$(json .token)"
    expect 201 POST /api/v1/auth/register/ "$(jq -nc '{email: "compose-customer@example.com",
        password: "kamau-wanjiru-77", password_confirm: "kamau-wanjiru-77", first_name: "Compose",
        last_name: "Customer", phone_number: "+254700000001"}')"
    CUSTOMER_TOKEN="$(json .token)"
    expect 201 POST /api/v1/categories/ '{"name": "Compose check"}' "$ADMIN_TOKEN"
    local category
    category="$(json .id)"
    expect 201 POST /api/v1/products/ "$(jq -nc --argjson c "$category" '{name: "Compose check product",
        description: "Placed by scripts/compose-check.sh.", price: "10.00", category: $c, sku: "COMPOSE-CHECK-1",
        stock_quantity: 100000, status: "active"}')" "$ADMIN_TOKEN"
    local product
    product="$(json .id)"
    log "admin, customer, category $category, product $product"
    ORDER_BODY="$(jq -nc --arg p "$product" '{shipping_address: "1 Moi Avenue, Nairobi",
        billing_address: "1 Moi Avenue, Nairobi", phone_number: "+254700000001", notes: "compose check",
        payment_method: "mpesa", items: [{product_id: $p, quantity: 1}]}')"

    step "orders through both replicas"
    : >"$WORK/orders"
    local n
    for ((n = 1; n <= ORDERS; n++)); do place_order "a$n"; done
    all_created
    local sessions1 sessions2
    sessions1="$(lb_stat api-1 stot)"
    sessions2="$(lb_stat api-2 stot)"
    log "$ORDERS orders created; requests per replica so far: api-1 $sessions1, api-2 $sessions2"
    [[ "${sessions1:-0}" -gt 0 && "${sessions2:-0}" -gt 0 ]] || die "the balancer did not use both replicas"

    step "api-1 stopped while orders keep coming"
    # Orders every 0.2 s from before the stop until after it.
    (for ((n = 1; n <= 2 * ORDERS; n++)); do place_order "b$n"; sleep 0.2; done) &
    local placing=$!
    sleep 0.5
    compose stop api-1
    wait "$placing"
    local exit_code
    exit_code="$(docker inspect --format '{{.State.ExitCode}}' "$(compose ps -q api-1)")"
    log "api-1 stopped, exit code $exit_code"
    [[ "$exit_code" == 0 ]] || die "api-1 did not stop cleanly (exit code $exit_code)"
    wait_for "the balancer to take api-1 out of rotation" 30 api1_out
    log "api-1 at the balancer: $(lb_stat api-1 status)"
    for ((n = 1; n <= ORDERS; n++)); do place_order "c$n"; done
    all_created
    log "$(wc -l <"$WORK/orders") orders, all 201; api-2 served $(lb_stat api-2 stot) requests in all"
    log "balancer: requests retried $(lb_stat BACKEND wretr), redispatched $(lb_stat BACKEND wredis), answered 5xx $(lb_stat BACKEND hrsp_5xx)"
    [[ "$(lb_stat BACKEND hrsp_5xx)" == 0 ]] || die "the balancer answered 5xx"

    step "worker delivers every order's messages"
    local order
    while read -r _ _ order; do
        wait_for "the messages of order $order to be delivered" 120 delivered "$order"
    done <"$WORK/orders"
    api GET /api/v1/notifications/stats/ "" "$ADMIN_TOKEN"
    log "notifications: $(jq -c . <<<"$BODY" 2>/dev/null || printf '%s' "$BODY")"
    local lines
    lines="$(compose logs --no-color worker | grep -c 'delivered to the log sink' || true)"
    log "worker log: $lines messages delivered to the log sink"
    ((lines > 0)) || die "the worker logged no delivery"
}

main "$@"
