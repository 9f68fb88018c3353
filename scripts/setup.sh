#!/usr/bin/env bash
# Set up this project on this machine: .venv with the requirements, and Debian's Chromium.
#
#   bash scripts/setup.sh          runtime only (what `make run` needs)
#   bash scripts/setup.sh --dev    runtime + test dependencies (what `make test` needs),
#                                  including Debian's postgresql server for the store's tests and
#                                  LibreOffice Impress (headless) for the decks' tests
#
# Idempotent: a second run with unchanged requirement files skips pip entirely
# (a stamp in .venv records what was installed). SETUP_FORCE=1 reinstalls anyway.
# PYTHON=/path/to/python3 chooses the interpreter for a new .venv (default: python3).
#
# Chromium (static image export with kaleido, browser tests with Playwright) comes
# only from Debian's `chromium` package; no browser is ever downloaded any other way.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg (expected --dev)" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

is_root_with_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# apt-get/dpkg print hundreds of lines even with -qq: keep them in a log, show it on failure.
apt_log="$(mktemp -t setup-apt.XXXXXX)"
pip_err="$(mktemp -t setup-pip.XXXXXX)"
trap 'rm -f "$apt_log" "$pip_err"' EXIT

apt_quiet() {
  # Non-interactive, waits for a held dpkg lock instead of failing at once.
  if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q "$@" </dev/null >"$apt_log" 2>&1; then
    return 0
  fi
  echo "setup: 'apt-get $*' failed; its last lines:" >&2
  tail -n 30 "$apt_log" >&2
  return 1
}
apt_install() { apt_quiet update && apt_quiet install "$@"; }

# pip -q still prints warnings; drop only this machine's noise about configured
# local index folders that do not exist ("Location 'file:///...' is ignored").
pip_quiet() {
  local rc=0
  "$py" -m pip "$@" -q --disable-pip-version-check 2>"$pip_err" || rc=$?
  grep -v "is ignored: it is neither a file nor a directory" "$pip_err" >&2 || true
  return "$rc"
}

venv=.venv
py="$venv/bin/python"
PYTHON="${PYTHON:-python3}"

# ---------------------------------------------------------------- virtualenv
# A .venv whose interpreter or pip does not run (copied from elsewhere, half-made
# by a venv without ensurepip) is rebuilt.
if [ -e "$venv" ] && ! "$py" -m pip --version >/dev/null 2>&1; then
  say "$venv is broken (no working python/pip); recreating it"
  rm -rf "$venv"
fi

if [ ! -e "$venv" ]; then
  command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found: install Python >= 3.11 (or set PYTHON=/path/to/python3)"
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Python >= 3.11 is needed (pandas 3); '$PYTHON' is $("$PYTHON" -V 2>&1)"
  say "creating $venv with $("$PYTHON" -V 2>&1)"
  if ! "$PYTHON" -m venv "$venv"; then
    rm -rf "$venv"
    # Debian's own python3 ships venv/ensurepip separately.
    if is_root_with_apt; then
      say "python3 -m venv failed; installing Debian's python3-venv"
      apt_install python3-venv
      "$PYTHON" -m venv "$venv" || { rm -rf "$venv"; die "could not create $venv"; }
    else
      die "could not create $venv: on Debian/Ubuntu: sudo apt-get install -y python3-venv"
    fi
  fi
fi

# ---------------------------------------------------------------- packages
if [ "$dev" = 1 ]; then
  reqs=(requirements.txt requirements-dev.txt)
  stamp="$venv/.setup-stamp-dev"
else
  reqs=(requirements.txt)
  stamp="$venv/.setup-stamp"
fi
for f in "${reqs[@]}"; do [ -f "$f" ] || die "missing $f"; done
want="$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1) $("$py" -V 2>&1)"

if [ "${SETUP_FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "python packages up to date ($stamp)"
else
  # The pip bundled with venv is old and warns about this machine's pip config.
  say "upgrading pip in $venv"
  pip_quiet install --upgrade pip
  say "installing ${reqs[*]##*/} (quiet; errors are shown)"
  pip_quiet install -r "${reqs[-1]}"
  echo "$want" > "$stamp"
  # A dev install contains the runtime install.
  if [ "$dev" = 1 ]; then
    echo "$(sha256sum < requirements.txt | cut -d' ' -f1) $("$py" -V 2>&1)" > "$venv/.setup-stamp"
  fi
fi

# ---------------------------------------------------------------- chromium
find_chromium() {
  if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; return 0; fi
  command -v chromium 2>/dev/null
}

need_msg="static image export (PNG/SVG/PDF via kaleido) and the browser tests need Debian's 'chromium' package: sudo apt-get install -y chromium fonts-dejavu-core fonts-liberation"

if chromium_bin="$(find_chromium)"; then
  say "chromium: $chromium_bin"
elif is_root_with_apt; then
  say "installing Debian's chromium (and fonts for exported text) with apt-get"
  if apt_install chromium fonts-dejavu-core fonts-liberation \
     && chromium_bin="$(find_chromium)"; then
    say "chromium: $chromium_bin"
  else
    chromium_bin=""
    if [ "$dev" = 1 ]; then die "apt-get could not install chromium; $need_msg"; fi
    echo "setup: WARNING: apt-get could not install chromium; $need_msg" >&2
  fi
else
  if [ "$dev" = 1 ]; then die "no chromium found and cannot install it here (not root, or no apt-get); $need_msg"; fi
  echo "setup: WARNING: no chromium found and cannot install it here (not root, or no apt-get)." >&2
  echo "setup: WARNING: the app runs, but $need_msg" >&2
fi

# ---------------------------------------------------------------- postgresql (tests)
# The store's tests run against a real PostgreSQL server, which they start themselves in a
# temporary directory (initdb + pg_ctl from Debian's /usr/lib/postgresql/<version>/bin, as the
# unprivileged `postgres` user when run as root). Only the package is needed; the system's own
# cluster is not used, and the package's post-install start of it is suppressed.
find_initdb() { ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1; }

if [ "$dev" = 1 ]; then
  pg_msg="the PostgreSQL store tests need Debian's 'postgresql' package: sudo apt-get install -y postgresql"
  if initdb_bin="$(find_initdb)" && [ -n "$initdb_bin" ]; then
    say "postgresql: $(dirname "$initdb_bin")"
  elif is_root_with_apt; then
    say "installing Debian's postgresql (server for the store's tests) with apt-get"
    # policy-rc.d exit 101: do not start the distribution's own cluster during the install.
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1; fi
    pg_ok=0
    apt_install postgresql && pg_ok=1
    if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi
    if [ "$pg_ok" = 1 ] && initdb_bin="$(find_initdb)" && [ -n "$initdb_bin" ]; then
      say "postgresql: $(dirname "$initdb_bin")"
    else
      die "apt-get could not install postgresql; $pg_msg"
    fi
  else
    # Not fatal: the PostgreSQL tests then skip with this reason (and fail under CI=true).
    echo "setup: WARNING: no PostgreSQL server found and cannot install it here (not root, or no apt-get); $pg_msg" >&2
  fi
fi

# ---------------------------------------------------------------- libreoffice (tests)
# The decks' tests open each .pptx in a real office suite: LibreOffice Impress, headless (Debian's
# libreoffice-impress-nogui: no X or GTK), converts it to PDF, and poppler-utils' pdftotext reads it.
if [ "$dev" = 1 ]; then
  lo_msg="the deck tests need Debian's LibreOffice Impress and poppler-utils: sudo apt-get install -y libreoffice-impress-nogui poppler-utils"
  if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    say "libreoffice: $(command -v soffice)"
  elif is_root_with_apt; then
    say "installing Debian's LibreOffice Impress (headless) and poppler-utils with apt-get"
    if apt_install libreoffice-impress-nogui poppler-utils && command -v soffice >/dev/null 2>&1; then
      say "libreoffice: $(command -v soffice)"
    else
      die "apt-get could not install LibreOffice; $lo_msg"
    fi
  else
    # Not fatal: the deck's office-suite tests then skip with this reason (and fail under CI=true).
    echo "setup: WARNING: no LibreOffice found and cannot install it here (not root, or no apt-get); $lo_msg" >&2
  fi
fi

say "done"
