#!/usr/bin/env bash
# Reports the notification queue and the live workers; exits 1 when delivery is stalled, so it can serve as a
# health probe (the old scripts/check_celery_status.py).
#   scripts/check_worker_status.sh [--stalled-after SECONDS]
set -euo pipefail
source "$(dirname "$0")/_orderflow.sh"
orderflow worker-status "$@"
