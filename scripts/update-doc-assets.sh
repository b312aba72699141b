#!/usr/bin/env bash
# Vendors the ReDoc bundle that /redoc/ serves from the binary (crates/http/assets/redoc/), from the npm registry.
#
#   scripts/update-doc-assets.sh           re-fetches the pinned version (crates/http/assets/redoc/VERSION)
#   scripts/update-doc-assets.sh 2.5.4     pins another 2.x release
#
# The package tarball must match the registry's dist.integrity (sha512) before any file is replaced. The bundle,
# its licence and the licences of what it bundles are copied; VERSION names the release, and the binary serves
# the bundle under /redoc/<VERSION>/, so browsers never keep an old copy. Needs npm and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."

assets="crates/http/assets/redoc"
version="${1:-$(cat "$assets/VERSION")}"
# The page uses the 2.x standalone bundle and its <redoc> element.
if ! [[ "$version" =~ ^2\.[0-9]+\.[0-9]+$ ]]; then
  echo "scripts/update-doc-assets.sh: expected an exact ReDoc 2.x version such as 2.5.4, got '$version'" >&2
  exit 1
fi

integrity="$(npm view "redoc@$version" dist.integrity)"
if [[ "$integrity" != sha512-* ]]; then
  echo "scripts/update-doc-assets.sh: the registry gives no sha512 integrity for redoc@$version: '$integrity'" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack "redoc@$version" --pack-destination "$work" --silent >/dev/null
tarball="$work/redoc-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w 0)"
if [ "$actual" != "$integrity" ]; then
  echo "scripts/update-doc-assets.sh: redoc-$version.tgz does not match the registry's integrity" >&2
  echo "  expected $integrity" >&2
  echo "  got      $actual" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work" package/LICENSE package/bundles/redoc.standalone.js \
  package/bundles/redoc.standalone.js.LICENSE.txt
mkdir -p "$assets"
install -m 644 "$work/package/bundles/redoc.standalone.js" "$assets/redoc.standalone.js"
install -m 644 "$work/package/bundles/redoc.standalone.js.LICENSE.txt" "$assets/redoc.standalone.js.LICENSE.txt"
install -m 644 "$work/package/LICENSE" "$assets/LICENSE"
echo "$version" > "$assets/VERSION"
echo "redoc $version ($integrity) is in $assets"
