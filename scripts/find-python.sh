#!/usr/bin/env bash
# Print the path of a Python ≥ 3.12 to build .venv with, or explain how to get one and fail.
# Order: the version .python-version names (pyenv's on these machines), then python3.13/python3.12 on PATH.
set -u
want="$(tr -d '[:space:]' < "$(dirname "$0")/../.python-version" 2>/dev/null || true)"

ok() {  # usable interpreter: ≥ 3.12 with venv and ensurepip
  "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

candidates=()
if [ -n "$want" ]; then
  root="${PYENV_ROOT:-$HOME/.pyenv}"
  if command -v pyenv >/dev/null 2>&1; then
    prefix="$(pyenv prefix "$want" 2>/dev/null || true)"
    [ -n "$prefix" ] && candidates+=("$prefix/bin/python$want" "$prefix/bin/python3")
  fi
  for d in "$root"/versions/"$want"*; do
    [ -d "$d" ] && candidates+=("$d/bin/python$want" "$d/bin/python3")
  done
fi
for name in python3.13 python3.12; do
  p="$(command -v "$name" 2>/dev/null || true)"
  # pyenv shims exist for every installed version but fail when it is not selected; ok() filters them.
  [ -n "$p" ] && candidates+=("$p")
done

for c in "${candidates[@]}"; do
  if [ -x "$c" ] && ok "$c"; then
    echo "$c"
    exit 0
  fi
done

cat >&2 <<MSG
Kein passendes Python gefunden: Django 6.1 braucht Python 3.12 oder neuer (gewünscht: ${want:-3.13}).
No suitable Python found: Django 6.1 needs Python >= 3.12 (wanted: ${want:-3.13}).
Install one, then run make again, e.g.:
  pyenv install ${want:-3.13}                        # with pyenv
  apt-get install python3.13 python3.13-venv          # Debian 13 (trixie) or newer
MSG
exit 1
