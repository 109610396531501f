#!/usr/bin/env bash
# Installs what the build, the tests and the demo need on Debian 12 with Swift; with `bench`, also what
# the benchmarks need. Idempotent and quiet: when everything is present it prints nothing.
set -euo pipefail
group=${1:-test}

# Debian packages: command they provide (or a file they install) -> package.
declare -A needs=(
  [systemd-analyze]=systemd          # unit verification in tests
  [sqlite3]=sqlite3                  # independent reader of the collector's database in tests
  [/usr/include/sqlite3.h]=libsqlite3-dev   # GRDB links the system SQLite
  [python3]=python3                  # tomllib cross-checks the TOML parser (Python >= 3.11)
)
if [[ $group == bench ]]; then
  needs[hyperfine]=hyperfine                                    # times whole commands
  needs[prometheus-node-exporter]=prometheus-node-exporter      # the RSS peer named in the deployment issue
fi

missing=()
for probe in "${!needs[@]}"; do
  if [[ "$probe" == /* ]]; then
    [[ -e "$probe" ]] || missing+=("${needs[$probe]}")
  else
    command -v "$probe" >/dev/null 2>&1 || missing+=("${needs[$probe]}")
  fi
done

if ! python3 -c 'import tomllib' >/dev/null 2>&1; then
  missing+=(python3)
fi

if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "install-deps: swift is not on PATH; install Swift 6.x first" >&2; exit 1; }
