#!/usr/bin/env bash
# Sets the password of an existing account and revokes its tokens (the old scripts/set_admin_password.py).
#   scripts/set_admin_password.sh --email ops@shop.example --password '...'
set -euo pipefail
source "$(dirname "$0")/_orderflow.sh"
orderflow set-admin-password "$@"
