#!/usr/bin/env bash
# Agent steady-state memory and binary size (deployment issue 9), beside prometheus-node-exporter in the same run.
#
#   SETTLE=180 scripts/bench-agent-memory.sh TOOLS_BIN_DIR 'LABEL=AGENT_BINARY[ ENV=VALUE...]'...
#
# TOOLS_BIN_DIR: a build of the same tree with greencap (the Modbus simulators) and greencap-collector. Each
# further argument is one agent to measure, all at once: a label, the binary, and environment settings for it,
# e.g. 'static, arena 2=.build-deb/release/greencap-agent MALLOC_ARENA_MAX=2'.
# Each agent reads 8 simulated H100s (the NVML simulator), a rack PDU and a UPS over Modbus TCP (our simulator)
# at 1 Hz, runs its cap controller, and sends everything to a local collector over the uplink. After SETTLE
# seconds: VmRSS, its anonymous and file-backed parts, PSS, threads, and the mappings that hold the most RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$1
shift
settle=${SETTLE:-180}
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT

"$tools/greencap" sim modbus --profile raritan-px3 --fixture 0 --tcp 127.0.0.1:0 --ready-file "$tmp/pdu.port" 2>"$tmp/pdu.log" &
pids+=($!)
"$tools/greencap" sim modbus --profile apc-smart-ups --fixture 1 --tcp 127.0.0.1:0 --ready-file "$tmp/ups.port" 2>"$tmp/ups.log" &
pids+=($!)
# The NVML simulator compiled as a plain C library: SwiftPM's build of it links swiftrt.o and so loads
# libswiftCore.so into the agent, which a real libnvidia-ml never does (2 MB of RSS that is not the agent's).
compiler=$(command -v cc || command -v clang)
"$compiler" -shared -fPIC -O2 -DGREENCAP_NVML_PROTOTYPES -I Sources/CNVML/include -I Sources/NVMLSimulator/include \
  Sources/NVMLSimulator/*.c -lm -lpthread -o "$tmp/libgreencap-nvml-sim.so"
"$tools/greencap" sim keys --nodes $# --out "$tmp/keys" >/dev/null
printf '[storage]\npath = "%s/collector.sqlite"\n[ingest]\nenabled = true\nlisten = "127.0.0.1:0"\nkeys_dir = "%s/keys"\n[http]\nenabled = false\n' \
  "$tmp" "$tmp" > "$tmp/collector.toml"
"$tools/greencap-collector" --config "$tmp/collector.toml" 2>"$tmp/collector.log" &
pids+=($!)
for _ in $(seq 100); do
  [[ -s $tmp/pdu.port && -s $tmp/ups.port ]] && grep -q "ingest listening" "$tmp/collector.log" && break
  sleep 0.1
done
port=$(grep -o "ingest listening.* port=[0-9]*" "$tmp/collector.log" | grep -o "[0-9]*$")

# agent NAME BINARY [ENV=VALUE...]: one agent, node id NAME (its key is keys/NAME.key).
agent() {
  local name=$1 binary=$2; shift 2
  mkdir -p "$tmp/$name"
  cat > "$tmp/$name/agent.toml" <<TOML
[node]
id = "$name"
rack = "r1"
[control]
tick = "1s"
safe_cap = "4500 W"
pdu = "pdu-a"
ups = "ups-a"
audit_file = "$tmp/$name/audit.jsonl"
[gpu]
nvml_library = "$tmp/libgreencap-nvml-sim.so"
writes = "enforce"
[[modbus.bus]]
name = "pdu"
tcp = "127.0.0.1:$(cat "$tmp/pdu.port")"
poll_every = "1s"
[[modbus.bus.device]]
name = "pdu-a"
profile = "raritan-px3"
[[modbus.bus]]
name = "ups"
tcp = "127.0.0.1:$(cat "$tmp/ups.port")"
poll_every = "1s"
[[modbus.bus.device]]
name = "ups-a"
profile = "apc-smart-ups"
[uplink]
collector = "127.0.0.1:$port"
key_file = "$tmp/keys/$name.key"
spool_dir = "$tmp/$name/spool"
TOML
  env "$@" GREENCAP_NVML_SIM_WORKLOAD=training "$binary" --config "$tmp/$name/agent.toml" 2>"$tmp/$name/agent.log" &
  pids+=($!)
  echo $! > "$tmp/$name/pid"
}
labels=() binaries=()
for spec in "$@"; do
  labels+=("${spec%%=*}")
  read -r -a words <<< "${spec#*=}"
  binaries+=("${words[0]}")
  agent "$(printf 'sim-%04d' ${#labels[@]})" "${words[@]}"
done
prometheus-node-exporter --web.listen-address=127.0.0.1:19119 --log.level=error 2>/dev/null &
exporter=$!
pids+=($exporter)
sleep "$settle"
# The working set: clear the pages' referenced bits, wait 10 s (the exporter scraped once a second, as
# Prometheus would, the agents ticking), and count what was touched again. RSS also counts file pages the
# kernel mapped around a fault (fault-around) that the process never reads again.
for pid in $(cat "$tmp"/*/pid) $exporter; do
  echo 1 > /proc/$pid/clear_refs
  # Page faults (minor, major) in the window: what re-mapping released start-up pages costs once it settled.
  awk '{print $10, $12}' /proc/$pid/stat > "$tmp/faults.$pid"
done
for _ in $(seq 10); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:19119/metrics').read()"
  sleep 1
done

report() {
  local label=$1 pid=$2
  kill -0 "$pid" 2>/dev/null || { echo "$label: not running (log: $(tail -3 "$tmp"/*/agent.log))"; return; }
  local status=/proc/$pid/status
  printf '%-44s VmRSS %6d KiB (anon %6d, file %6d)  PSS %6d KiB  threads %3d\n' "$label" \
    "$(awk '/^VmRSS/ {print $2}' $status)" "$(awk '/^RssAnon/ {print $2}' $status)" \
    "$(awk '/^RssFile/ {print $2}' $status)" "$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)" \
    "$(awk '/^Threads/ {print $2}' $status)"
  printf '      referenced in the last 10 s: %d KiB (pages of a file shared with another agent count if either touched them)\n' \
    "$(awk '/^Referenced:/ {sum += $2} END {print sum}' /proc/$pid/smaps)"
  read -r minor major < "$tmp/faults.$pid"
  printf '      page faults in the last 10 s: %d minor, %d major\n' \
    $(($(awk '{print $10}' /proc/$pid/stat) - minor)) $(($(awk '{print $12}' /proc/$pid/stat) - major))
  # Where the RSS is: per mapped file (or [anon], [heap], [stack]), largest first.
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anon]"; sub(".*/", "", name) }
       /^Rss:/ { rss[name] += $2 }
       END { for (n in rss) printf "%d %s\n", rss[n], n }' /proc/$pid/smaps | sort -rn | head -6 |
    awk '{ printf "      %6d KiB %s\n", $1, $2 }'
}
for index in "${!labels[@]}"; do
  name=$(printf 'sim-%04d' $((index + 1)))
  grep -q "connected to the collector" "$tmp/$name/agent.log" || echo "warning: ${labels[$index]} never connected to the collector"
  report "${labels[$index]}" "$(cat "$tmp/$name/pid")"
  grep -o 'released start-up pages.*' "$tmp/$name/agent.log" | sed 's/^/      /' || true
  objcopy --strip-debug "${binaries[$index]}" "$tmp/stripped"
  printf '      binary %s, without debug sections (as packaged) %s\n' "$(du -h "${binaries[$index]}" | cut -f1)" "$(du -h "$tmp/stripped" | cut -f1)"
done
report "prometheus-node-exporter (peer)" "$exporter"
echo "samples stored by the collector: $(sqlite3 "$tmp/collector.sqlite" 'SELECT coalesce(sum(count), 0) FROM sample_chunk' 2>/dev/null || echo '?')"
