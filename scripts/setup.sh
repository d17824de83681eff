#!/usr/bin/env bash
# Installs what omset needs and is missing, on a Debian/Ubuntu machine.
#   scripts/setup.sh            runtime: apertium-nno-nob + the Python environment (.venv)
#   scripts/setup.sh --test     also what the test suite uses (chromium, libreoffice, postgresql)
# Debian packages come from apt (with sudo when not root); Python packages from PyPI via uv.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

debs=(apertium-nno-nob apertium lttoolbox cg3 apertium-lex-tools apertium-separable gawk libjemalloc2)
if [[ $want_test -eq 1 ]]; then
  debs+=(chromium libreoffice-writer-nogui fonts-dejavu-core postgresql gettext)
fi

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export UV_PYTHON_DOWNLOADS=never
if ! command -v uv >/dev/null 2>&1 && [[ ! -x "$HOME/.local/bin/uv" ]]; then
  echo "setup: installing uv from PyPI" >&2
  if ! python3 -m pip --version >/dev/null 2>&1; then
    $SUDO apt-get install -y -qq python3-pip >/dev/null
  fi
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv
fi
UV=$(command -v uv || echo "$HOME/.local/bin/uv")

if [[ ! -x .venv/bin/python ]]; then
  "$UV" venv --quiet --python python3 .venv
fi
stamp=.venv/.omset-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  echo "setup: installing Python dependencies into .venv" >&2
  # --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set, nothing would ever be
  # cached, and every `omset` call would compile its imports again (~0.2 s)
  "$UV" pip install --quiet --compile-bytecode --python .venv/bin/python -e ".[dev]"
  touch "$stamp"
fi
# omset's own modules (an editable install): compiled once, as a wheel's would be;
# compileall skips what is up to date
.venv/bin/python -m compileall -q omset >/dev/null
