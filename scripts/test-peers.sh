#!/usr/bin/env bash
# The real peers the tests talk to, installed from the package registries under target/test-peers:
#   - an SMTP server: Python's aiosmtpd (pinned) in a virtualenv;
#   - an OpenID Certified provider: npm oidc-provider (pinned by crates/test-support/peers/oidc/package-lock.json)
#     with the script that configures it; needs Node.js 20.18 or later;
#   - an API fuzzer: Python's schemathesis (pinned) in a virtualenv, for scripts/fuzz-api.sh;
#   - a webhook receiver verifying every delivery with Python's standardwebhooks (pinned), the Standard Webhooks
#     reference library, in a virtualenv (the receiver: crates/test-support/peers/webhooks/receiver.py);
# and a browser for the documentation pages: Debian's chromium package, installed with apt-get when missing (as
# root; elsewhere install it first, or point ORDERFLOW_CHROMIUM at a Chromium); and promtool, which checks the
# `/metrics` output: Debian's prometheus package, the same way (or ORDERFLOW_PROMTOOL).
# Prints the variables the test harness reads, for `eval "$(scripts/test-peers.sh)"`; all else goes to stderr.
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

fuzz_venv="$peers/schemathesis-venv"
schemathesis_version="4.32.5"
if [ "$("$fuzz_venv/bin/st" --version 2>/dev/null)" != "st, version $schemathesis_version" ]; then
  echo "installing the API fuzzer (schemathesis $schemathesis_version) in $fuzz_venv" >&2
  rm -rf "$fuzz_venv"
  python3 -m venv "$fuzz_venv" >&2
  "$fuzz_venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" >&2
fi
echo "export ORDERFLOW_SCHEMATHESIS='$fuzz_venv/bin/st'"

webhooks_venv="$peers/webhooks-venv"
standardwebhooks_version="1.1.0"
if [ "$("$webhooks_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("standardwebhooks"))' 2>/dev/null)" != "$standardwebhooks_version" ]; then
  echo "installing the webhook receiver's verifier (standardwebhooks $standardwebhooks_version) in $webhooks_venv" >&2
  rm -rf "$webhooks_venv"
  python3 -m venv "$webhooks_venv" >&2
  "$webhooks_venv/bin/pip" install --quiet --disable-pip-version-check "standardwebhooks==$standardwebhooks_version" >&2
fi
echo "export ORDERFLOW_WEBHOOK_RECEIVER_PYTHON='$webhooks_venv/bin/python'"

oidc_dir="$peers/oidc"
# oidc-provider 9 uses URL.parse: Node.js 20.18 or later (Debian's own nodejs 18 is too old).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)' 2>/dev/null; then
  echo "scripts/test-peers.sh: the OpenID provider needs Node.js 20.18 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
source_dir="crates/test-support/peers/oidc"
if ! cmp -s "$source_dir/package-lock.json" "$oidc_dir/package-lock.json" || [ ! -d "$oidc_dir/node_modules/oidc-provider" ]; then
  echo "installing the OpenID provider (oidc-provider) in $oidc_dir" >&2
  mkdir -p "$oidc_dir"
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$oidc_dir/"
  npm ci --prefix "$oidc_dir" --silent --no-audit --no-fund >&2
fi
cp "$source_dir/provider.mjs" "$oidc_dir/"
echo "export ORDERFLOW_OIDC_PROVIDER='$oidc_dir/provider.mjs'"

# The path of PROGRAM, from Debian's PACKAGE, installed with apt-get (and any further apt-get options) when missing.
debian_program() {
  local program="$1" package="$2" found
  shift 2
  found="$(command -v "$program" || true)"
  if [ -z "$found" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "scripts/test-peers.sh: no $program; install Debian's $package package (apt-get install $package) as root" >&2
      return 1
    fi
    echo "installing $program (Debian's $package package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Fresh machines may have no package lists yet.
    apt-get install -y -qq "$@" "$package" >&2 2>/dev/null \
      || { apt-get update -qq >&2 && apt-get install -y -qq "$@" "$package" >&2; }
    found="$(command -v "$program")"
  fi
  echo "$found"
}

chromium="${ORDERFLOW_CHROMIUM:-$(debian_program chromium chromium)}"
echo "export ORDERFLOW_CHROMIUM='$chromium'"

# Without the package's recommended node exporter, which would take port 9100 (METRICS_ADDR's example). On a
# machine whose init starts services, the package also starts a Prometheus server on :9090; the tests need only
# promtool.
promtool="${ORDERFLOW_PROMTOOL:-$(debian_program promtool prometheus --no-install-recommends)}"
echo "export ORDERFLOW_PROMTOOL='$promtool'"
