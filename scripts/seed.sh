#!/usr/bin/env bash
# Loads the demo data (idempotent): the demo catalogue, three customers and a super admin (the old
# `manage.py seed_data` and seeder/seeders.py). A new admin gets a random password, printed once; an existing
# admin's password changes only with --admin-password (which also revokes its tokens).
#   scripts/seed.sh [--admin-password '...']
set -euo pipefail
source "$(dirname "$0")/_orderflow.sh"
orderflow seed "$@"
