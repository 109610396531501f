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
  [/usr/include/modbus/modbus.h]=libmodbus-dev   # the Modbus binding and simulator (libmodbus 3.1.6)
  [/usr/include/libudev.h]=libudev-dev           # serial adapter discovery
  [mbpoll]=mbpoll                    # an independent Modbus client reads our simulator in tests
  [socat]=socat                      # pty pairs stand in for RS-485 lines in the RTU tests
  [prometheus]=prometheus            # a real remote-write receiver for the RemoteWrite tests (promtool comes with it)
  [openssl]=openssl                  # makes the CA and certificates of the ingest TLS tests
  [/usr/sbin/slurmctld]=slurmctld   # real Slurm daemons run Slurm/job_submit.lua in EnergyTests (sbin: not on every PATH)
  [/usr/sbin/slurmd]=slurmd
  [/usr/bin/sbatch]=slurm-client
  [dpkg-shlibdeps]=dpkg-dev          # Depends of the .deb packages (make deb, DebianPackageTests)
  [chromium]=chromium                # headless browser that renders the collector's dashboard in tests
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

# pymodbus (an independent Modbus server for the interoperability tests) and cramjam (an independent snappy
# for the remote-write cross-checks) live in a virtual environment of the repository's own, so they never
# touch the system Python. Versions pinned: the tests are only as repeatable as their peers.
venv=.venv
pins=(pymodbus==3.16.1 pyserial==3.5 cramjam==2.11.0)
if ! "$venv/bin/python3" -c 'import pymodbus, serial, cramjam; assert pymodbus.__version__ == "3.16.1"; assert cramjam.__version__ == "2.11.0"' >/dev/null 2>&1; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  echo "install-deps: creating $venv with ${pins[*]}"
  python3 -m venv "$venv"
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
fi

command -v swift >/dev/null || { echo "install-deps: swift is not on PATH; install Swift 6.x first" >&2; exit 1; }
