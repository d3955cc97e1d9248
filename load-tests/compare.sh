#!/usr/bin/env bash
# Side by side: MicroAI and llama.cpp's llama-server on the same model, same machine, same slots,
# context and threads, driven by the same closed-loop client (MicroAI.LoadTests), which prints one
# row per server and concurrency and the ratio MicroAI / llama-server.
#
#   load-tests/compare.sh MODEL.gguf [LLAMA_SERVER_BINARY]
#   env: CONCURRENCY (1,4,8)  REQUESTS per client (3)  TURNS (1)  MAX_TOKENS (64)  PROMPT_WORDS (32)
#        SHARED_PREFIX words (0)  SLOTS (8)  CTX tokens per slot (1024)  THREADS (nproc)  JSON (file)
#
# Without a llama-server binary only MicroAI is measured. Only loopback addresses are used.
set -euo pipefail
model=$(readlink -f "${1:?usage: compare.sh MODEL.gguf [LLAMA_SERVER]}")
peer=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
slots=${SLOTS:-8}; ctx=${CTX:-1024}; threads=${THREADS:-$(nproc)}
ours_port=18400; peer_port=18401
id=$(basename "$model" .gguf)

dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null
dotnet build "$root/load-tests/MicroAI.LoadTests" -c Release -v q -nologo >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_health() {
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not become healthy" >&2; return 1
}

dotnet "$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll" \
  --urls "http://127.0.0.1:$ours_port" --MicroAI:DefaultModel="$model" --MicroAI:ModelsDirectory=/nonexistent \
  --MicroAI:OllamaModelsDirectory=none --MicroAI:ParallelSlots="$slots" --MicroAI:ContextSize="$ctx" \
  --MicroAI:Threads="$threads" --Logging:LogLevel:Default=Warning >/tmp/microai-compare-ours.log 2>&1 &
pids+=($!)
wait_health $ours_port

compare=()
if [ -n "$peer" ]; then
  "$peer" -m "$model" --host 127.0.0.1 --port $peer_port -c $((ctx * slots)) -np "$slots" -t "$threads" \
    --alias "$id" >/tmp/microai-compare-peer.log 2>&1 &
  pids+=($!)
  wait_health $peer_port
  compare=(--compare-url "http://127.0.0.1:$peer_port" --compare-label llama-server)
fi

json=()
[ -n "${JSON:-}" ] && json=(--json "$JSON")
dotnet "$root/load-tests/MicroAI.LoadTests/bin/Release/net10.0/MicroAI.LoadTests.dll" \
  --url "http://127.0.0.1:$ours_port" --label microai "${compare[@]}" --model "$id" \
  --concurrency "${CONCURRENCY:-1,4,8}" --requests "${REQUESTS:-3}" --turns "${TURNS:-1}" \
  --max-tokens "${MAX_TOKENS:-64}" --prompt-words "${PROMPT_WORDS:-32}" --shared-prefix "${SHARED_PREFIX:-0}" "${json[@]}"
