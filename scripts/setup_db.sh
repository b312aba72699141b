#!/usr/bin/env bash
# Creates the database named in DATABASE_URL if it does not exist (the old scripts/setup_db.py).
set -euo pipefail
source "$(dirname "$0")/_orderflow.sh"
orderflow setup-db "$@"
