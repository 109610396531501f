#!/usr/bin/env bash
# The real-driver check (issue 3): on a machine with an NVIDIA driver, enumerate the GPUs, read every field
# Greencap uses, and time each NVML call (median and p99). Strictly read-only: `greencap gpu probe` and
# `greencap gpu read` never set a limit, clock or mode. Record what it prints in Firmware-Notes/nvml.md.
#
#   scripts/nvml-real-check.sh [OUT_DIR]          # builds greencap if needed
#   GREENCAP=/path/to/greencap scripts/nvml-real-check.sh OUT_DIR   # on a machine without Swift
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.nvml-check}
mkdir -p "$out"
if [[ -z "${GREENCAP:-}" ]]; then
  swift build -c release --product greencap >/dev/null
  GREENCAP="$(swift build -c release --show-bin-path)/greencap"
fi
lib=${GREENCAP_NVML_LIBRARY:-libnvidia-ml.so.1}
{
  echo "# NVML real-driver check, $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
  echo "kernel: $(uname -r)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=index,name,driver_version,pci.bus_id,persistence_mode,power.limit,power.default_limit,power.min_limit,power.max_limit --format=csv || true
  fi
} | tee "$out/environment.txt"
"$GREENCAP" gpu list --nvml-library "$lib" | tee "$out/list.txt"
"$GREENCAP" gpu read --nvml-library "$lib" | tee "$out/read.txt"
"$GREENCAP" gpu read --json --nvml-library "$lib" > "$out/read.json"
"$GREENCAP" gpu probe --iterations "${ITERATIONS:-1000}" --nvml-library "$lib" | tee "$out/probe.txt"
"$GREENCAP" gpu probe --iterations "${ITERATIONS:-1000}" --json --nvml-library "$lib" > "$out/probe.json"
echo "results in $out/"
