#!/usr/bin/env bash
# Loads the demo data (idempotent): the demo catalogue, three customers and a super admin whose credentials it
# prints (the old `manage.py seed_data` and seeder/seeders.py).
#   scripts/seed.sh [--admin-password '...']
set -euo pipefail
source "$(dirname "$0")/_orderflow.sh"
orderflow seed "$@"
