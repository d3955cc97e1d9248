#!/usr/bin/env bash
# Footprint of a server binary: size on disk, time from exec to the first /health 200, and resident
# memory (VmRSS) once idle with the model loaded. Prints one line per run, then the medians.
#
#   load-tests/footprint.sh MODEL.gguf [SERVER_COMMAND...]
#     default command: ./artifacts/microai-linux-x64-cpu/microai (what docker/publish.sh produces)
#     llama-server:    load-tests/footprint.sh MODEL.gguf /path/llama-server --port {port} -m {model}
#   env: RUNS (5)  IDLE seconds before reading RSS (2)  PORT (18450)
#
# {port} and {model} in the command are replaced; a MicroAI command gets --urls and DefaultModel.
# Health is polled every 5 ms, so start times are good to about ±5 ms. Loopback only.
set -euo pipefail
model=$(readlink -f "${1:?usage: footprint.sh MODEL.gguf [SERVER_COMMAND...]}")
shift
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}; idle=${IDLE:-2}; port=${PORT:-18450}
if [ $# -eq 0 ]; then set -- "$root/artifacts/microai-linux-x64-cpu/microai"; fi

cmd=()
for a in "$@"; do a=${a//\{port\}/$port}; cmd+=("${a//\{model\}/$model}"); done
if [[ "$*" != *"{port}"* ]]; then
  data=$(mktemp -d)
  trap 'rm -rf "$data"' EXIT
  cmd+=(--urls "http://127.0.0.1:$port" "--MicroAI:DefaultModel=$model" "--MicroAI:DataDirectory=$data"
        --MicroAI:OllamaModelsDirectory=none --Logging:LogLevel:Default=Warning)
fi

exe=$(command -v "${cmd[0]}")
dir=$(dirname "$(readlink -f "$exe")")
echo "binary: $(du -sh --apparent-size "$exe" | cut -f1); its folder (natives beside it): $(du -sh --apparent-size "$dir" | cut -f1)"

starts=(); rss=(); cpus=()
for i in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  "${cmd[@]}" >/tmp/footprint-server.log 2>&1 &
  pid=$!
  ok=0
  for _ in $(seq 1 6000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  t1=$(date +%s%N)
  # CPU time spent until then (utime + stime, clock ticks): on a shared machine wall time includes
  # waiting for a core, CPU time does not, so it is the steadier of the two.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  if [ "$ok" != 1 ]; then echo "no /health 200; log:"; cat /tmp/footprint-server.log; kill "$pid" 2>/dev/null || true; exit 1; fi
  sleep "$idle"
  kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  ms=$(( (t1 - t0) / 1000000 )); mb=$(( kb / 1024 ))
  echo "run $i: start to /health 200 ${ms} ms (CPU ${cpu} ms), idle RSS ${mb} MB"
  starts+=("$ms"); rss+=("$mb"); cpus+=("$cpu")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: start $(median "${starts[@]}") ms (CPU $(median "${cpus[@]}") ms), idle RSS $(median "${rss[@]}") MB"
