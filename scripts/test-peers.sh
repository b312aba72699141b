#!/usr/bin/env bash
# The real peers the tests talk to, installed from the package registries under target/test-peers:
#   - an SMTP server: Python's aiosmtpd (pinned) in a virtualenv.
# Prints the variables the test harness reads, for `eval "$(scripts/test-peers.sh)"`.
set -euo pipefail
cd "$(dirname "$0")/.."
peers="$PWD/target/test-peers"
mkdir -p "$peers"

smtp_venv="$peers/smtp-venv"
if ! "$smtp_venv/bin/python" -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "installing the SMTP sink (aiosmtpd) in $smtp_venv" >&2
  rm -rf "$smtp_venv"
  python3 -m venv "$smtp_venv" >&2
  "$smtp_venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6 >&2
fi
echo "export ORDERFLOW_SMTP_SINK_PYTHON='$smtp_venv/bin/python'"
