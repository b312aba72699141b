#!/usr/bin/env bash
# Validates the OpenAPI document printed by `orderflow openapi` with openapi-spec-validator (from PyPI, in a
# virtualenv under target/).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="target/openapi-venv"
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.9.0"
fi
document="$(mktemp --suffix=.json)"
"${CARGO_TARGET_DIR:-target}/debug/orderflow" openapi > "$document"
"$venv/bin/openapi-spec-validator" "$document"
echo "== OpenAPI document: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["paths"]))' "$document") paths, valid =="
rm -f "$document"
