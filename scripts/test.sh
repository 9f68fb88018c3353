#!/usr/bin/env bash
# The one test command (used by `make test` and .ci/run): set up .venv with the
# dev requirements and Debian's chromium, then run pytest. Extra arguments go to
# pytest, e.g.  bash scripts/test.sh -m "not e2e" -x
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --dev
# Lint first (pyproject.toml [tool.ruff]): a finding fails the run before the tests start.
.venv/bin/ruff check --quiet --output-format concise .
exec .venv/bin/python -m pytest -q "$@"
