#!/usr/bin/env bash
# Creates an admin, or updates the role and password of the account with that email (the old
# seeder/create_admin_final.py and `manage.py create_admin`).
#   scripts/create_admin.sh --email ops@shop.example --password '...' --first-name Ops --last-name Team [--role super_admin]
set -euo pipefail
source "$(dirname "$0")/_orderflow.sh"
orderflow create-admin "$@"
