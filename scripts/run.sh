#!/usr/bin/env bash
# Set up .venv (runtime requirements) and start the dashboard (used by `make run`).
# Extra arguments go to `streamlit run`, e.g.  bash scripts/run.sh --server.port 8600
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run serve.py "$@"  # serve.py serves app.py (see its docstring)
