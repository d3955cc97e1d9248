#!/usr/bin/env bash
# Side-by-side throughput: MicroAI and llama.cpp's llama-server on the same model, same machine,
# same slots/context/threads, measured by the same client (MicroAI.LoadTests). Prints both lines
# and the ratio MicroAI / llama-server for each concurrency.
#
#   load-tests/compare.sh MODEL.gguf [LLAMA_SERVER_BINARY] 
#   env: MAX_TOKENS (128) RUNS (5) CONCURRENCY ("1") SLOTS (2) CTX (2048 per slot) THREADS (nproc)
#
# Without a llama-server binary only MicroAI is measured. Only loopback addresses are used.
set -euo pipefail
model=$(readlink -f "${1:?usage: compare.sh MODEL.gguf [LLAMA_SERVER]}")
peer=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
max_tokens=${MAX_TOKENS:-128}; runs=${RUNS:-5}; conc_list=${CONCURRENCY:-1}
slots=${SLOTS:-2}; ctx=${CTX:-2048}; threads=${THREADS:-$(nproc)}
ours_port=18400; peer_port=18401
id=$(basename "$model" .gguf)

dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null
dotnet build "$root/load-tests/MicroAI.LoadTests" -c Release -v q -nologo >/dev/null
lt="dotnet $root/load-tests/MicroAI.LoadTests/bin/Release/net10.0/MicroAI.LoadTests.dll"

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
  --MicroAI:ParallelSlots="$slots" --MicroAI:ContextSize="$ctx" --MicroAI:Threads="$threads" \
  --Logging:LogLevel:Default=Warning >/tmp/microai-compare-ours.log 2>&1 &
pids+=($!)
wait_health $ours_port

if [ -n "$peer" ]; then
  "$peer" -m "$model" --host 127.0.0.1 --port $peer_port -c $((ctx * slots)) -np "$slots" -t "$threads" \
    --alias "$id" >/tmp/microai-compare-peer.log 2>&1 &
  pids+=($!)
  wait_health $peer_port
fi

for c in $conc_list; do
  ours=$($lt --url "http://127.0.0.1:$ours_port" --model "$id" --max-tokens "$max_tokens" --runs "$runs" --concurrency "$c" --label microai)
  echo "$ours"
  if [ -n "$peer" ]; then
    theirs=$($lt --url "http://127.0.0.1:$peer_port" --model "$id" --max-tokens "$max_tokens" --runs "$runs" --concurrency "$c" --label llama-server)
    echo "$theirs"
    field() { echo "$1" | tr '\t' '\n' | sed -n "s/^$2=//p"; }
    for f in decode_tok_s e2e_tok_s ttft_ms aggregate_tok_s; do
      awk -v a="$(field "$ours" $f)" -v b="$(field "$theirs" $f)" -v f=$f -v c="$c" \
        'BEGIN { if (b > 0) printf "ratio\tconcurrency=%s\t%s microai/llama-server = %.2f\n", c, f, a / b }'
    done
  fi
done
