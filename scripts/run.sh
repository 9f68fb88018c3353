#!/usr/bin/env bash
# Set up .venv (runtime requirements) and start the dashboard (used by `make run`).
# Extra arguments go to `streamlit run`, e.g.  bash scripts/run.sh --server.port 8600
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# `make run` is the local, single-user command: open editing unless an editor key is set (said on the
# Data page). A team deployment sets INDICATORS_EDITOR_KEY and runs serve.py itself (README).
if [[ -z "${INDICATORS_EDITOR_KEY:-}" ]]; then export INDICATORS_OPEN_EDITING="${INDICATORS_OPEN_EDITING:-1}"; fi
exec .venv/bin/streamlit run serve.py "$@"  # serve.py serves app.py (see its docstring)
