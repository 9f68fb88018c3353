#!/usr/bin/env bash
# Vendor plotly.js's basic bundle (scatter, bar, pie) into static/, at the plotly.js release that the
# installed Python plotly package carries, so the page and the exports draw with the same plotly.js
# (views/_plotly.py; tests/test_plotly_bundle.py fails when the two differ).
#
#   bash scripts/vendor-plotly.sh      after upgrading plotly in requirements.txt
#
# From the npm registry (`npm pack` checks the package's integrity against it); needs node and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="$(.venv/bin/python -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "plotly.js-basic-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
rm -f static/plotly-basic-*.min.js
cp "$tmp/package/plotly-basic.min.js" "static/plotly-basic-$version.min.js"
cp "$tmp/package/LICENSE" static/LICENSE.plotly.js.txt
echo "static/plotly-basic-$version.min.js: $(wc -c <"static/plotly-basic-$version.min.js") bytes, sha256 $(sha256sum "static/plotly-basic-$version.min.js" | cut -d' ' -f1)"
